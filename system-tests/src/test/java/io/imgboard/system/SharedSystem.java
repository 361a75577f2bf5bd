package io.imgboard.system;

import io.imgboard.infra.Credentials;
import io.imgboard.infra.Endpoints.Ports3;
import io.imgboard.infra.Layout;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.StateDir;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;

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
 * Those that cannot ({@code CompatIT} changes the box and reprocesses every photo, {@code ExportIT}
 * exports the whole catalog, {@code AuthScanIT} locks addresses out, {@code ScaleOutIT},
 * {@code LauncherIT}, {@code NormalUserLauncherIT} and {@code ChaosIT} start systems of their own
 * shape) start their own.
 */
final class SharedSystem implements BeforeAllCallback {
    /** The tokens of the shared system: the classes that share it use these. */
    static final Credentials CREDENTIALS = Credentials.random();

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedSystem.class);
    private static volatile LocalSystem system;

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
                return new Started(LocalSystem.startThrowaway(Layout.find(),
                        new StateDir(Files.createTempDirectory("imgboard-shared-")), Ports3.free(),
                        LocalSystem.freeServicePorts(), CREDENTIALS));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Started.class).system();
    }

    /** The shared system; only inside a class extended with {@code SharedSystem}. */
    static LocalSystem system() {
        if (system == null) {
            throw new IllegalStateException("not started: the class needs @ExtendWith(SharedSystem.class)");
        }
        return system;
    }
}
