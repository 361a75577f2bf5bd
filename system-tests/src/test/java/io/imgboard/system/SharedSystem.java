package io.imgboard.system;

import io.imgboard.infra.Credentials;
import io.imgboard.infra.Endpoints.Ports3;
import io.imgboard.infra.Layout;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.StateDir;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;

/**
 * One throwaway system (Kafka, PostgreSQL, S3 and the four services) for every system test class
 * of this JVM that can share it: {@code @ExtendWith(SharedSystem.class)}, then {@link #system()} in
 * its {@code @BeforeAll}. Started by the first such class, stopped (and its state folder deleted)
 * when the test JVM exits, by a shutdown hook. A start costs half a minute or more of both cores, so
 * sharing is what keeps the suite's time down.
 *
 * <p>Not JUnit's root store: failsafe with more than one fork hands a fork its classes one at a time,
 * each in a launch of its own, and the root store closes after every class; a system kept there was
 * started and stopped once per class.
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

    private static final Object LOCK = new Object();
    private static LocalSystem system;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        synchronized (LOCK) {
            if (system != null) {
                return;
            }
            long started = System.nanoTime();
            LocalSystem fresh = LocalSystem.startThrowaway(Layout.find(),
                    new StateDir(Files.createTempDirectory("imgboard-shared-")), Ports3.free(),
                    LocalSystem.freeServicePorts(), CREDENTIALS);
            Runtime.getRuntime().addShutdownHook(new Thread(fresh::close, "stop-shared-system"));
            system = fresh;
            System.out.printf("[shared-system] started for %s in %d s; it serves this JVM's other sharing classes%n",
                    context.getDisplayName(), (System.nanoTime() - started) / 1_000_000_000L);
        }
    }

    /** The shared system; only inside a class extended with {@code SharedSystem}. */
    static LocalSystem system() {
        synchronized (LOCK) {
            if (system == null) {
                throw new IllegalStateException("not started: the class needs @ExtendWith(SharedSystem.class)");
            }
            return system;
        }
    }
}
