package io.imgboard.system;

import io.imgboard.infra.Credentials;
import io.imgboard.infra.Endpoints.Ports3;
import io.imgboard.infra.InfraException;
import io.imgboard.infra.Layout;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.StateDir;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One throwaway system (Kafka, PostgreSQL, S3 and the four services) for every system test class
 * of this JVM that can share it: {@code @ExtendWith(SharedSystem.class)}, then {@link #system()} in
 * its {@code @BeforeAll}. Started by the first such class, stopped (and its state folder deleted)
 * when the launch that ran it ends, by JUnit closing its root store. A start costs about 50 s of CPU
 * and an idle system about 13 s a minute, so the sharing classes run together as one suite,
 * {@link SharedSystemIT}, and a new sharing class is added there: failsafe launches each class of
 * its queue on its own, and a class queued alone starts and stops a system of its own.
 *
 * <p>A class that shares must keep to its own photos, sources and records: make its photos from
 * seeds no other class uses (the same seed is the same bytes, so the same photo: a second origin,
 * not a new photo, and no processing of its own), look photos up by their sha-256, name or source,
 * never count the whole catalog, never change what every photo
 * depends on (the display box, the export) and leave no source behind that others could see.
 *
 * <p>Three classes cannot keep to that, but can follow one another on one system, in a fixed order:
 * {@code ExportIT} counts and exports the whole catalog, so it comes first, on a fresh system;
 * {@code CompatIT} changes the box and reprocesses every photo there is; {@code AuthScanIT} locks
 * addresses out and reads every log, so it comes last. {@link InOrderSystemIT} runs them so, as one
 * launch with a system of its own. {@code ScaleOutIT}, {@code LauncherIT}, {@code NormalUserLauncherIT},
 * {@code ChaosIT}, {@code ReprocessKillIT} and the benches start systems of their own shape.
 */
final class SharedSystem implements BeforeAllCallback {
    /** The tokens of the shared system: the classes that share it use these. */
    static final Credentials CREDENTIALS = Credentials.random();

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedSystem.class);
    private static volatile LocalSystem system;
    private static volatile Path home;

    /** Closed by JUnit with the root store, after the last test class. */
    private record Started(LocalSystem system) implements AutoCloseable {
        @Override
        public void close() {
            system.close();
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        system = context.getRoot().getStore(NAMESPACE).computeIfAbsent("system", key -> {
            try {
                return new Started(start());
            } catch (InfraException e) {
                // LocalSystem waits 180 s for each service; on a machine shared by many builds a JVM can
                // miss it. One more start, said aloud; a second miss fails the classes.
                System.out.println("[shared system] the first start failed, starting once more: " + e.getMessage());
                return new Started(start());
            }
        }, Started.class).system();
    }

    private static LocalSystem start() {
        try {
            home = Files.createTempDirectory("imgboard-shared-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return LocalSystem.startThrowaway(Layout.find(), new StateDir(home), Ports3.free(), LocalSystem.freeServicePorts(),
                CREDENTIALS);
    }

    /** The shared system's state folder (its logs are in {@code logs/}); only inside a class extended with {@code SharedSystem}. */
    static Path home() {
        system();
        return home;
    }

    /** The shared system; only inside a class extended with {@code SharedSystem}. */
    static LocalSystem system() {
        if (system == null) {
            throw new IllegalStateException("not started: the class needs @ExtendWith(SharedSystem.class)");
        }
        return system;
    }
}
