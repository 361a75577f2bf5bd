package io.imgboard.infra.testing;

import io.imgboard.events.Topics;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.Layout;
import io.imgboard.infra.LocalInfra;
import io.imgboard.infra.StateDir;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Real Kafka, PostgreSQL and S3 server for {@code @QuarkusTest}s: started once per test JVM on free
 * ports in a temporary folder, stopped and deleted when the JVM exits. Use with
 * {@code @QuarkusTestResource(LocalInfraResource.class)} on one test class of a module.
 */
public class LocalInfraResource implements QuarkusTestResourceLifecycleManager {
    private static LocalInfra shared;

    /** The running infrastructure, starting it on first use (also for plain JUnit tests). */
    public static synchronized LocalInfra shared() {
        if (shared == null) {
            try {
                Path home = Files.createTempDirectory("imgboard-test-");
                // PostgreSQL runs as the postgres user when we are root: it must be able to enter the folder.
                home.toFile().setExecutable(true, false);
                home.toFile().setReadable(true, false);
                LocalInfra infra = LocalInfra.startThrowaway(Layout.find(), new StateDir(home), Endpoints.Ports3.free(), Topics.ALL);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    infra.close();
                    deleteTree(home);
                }));
                shared = infra;
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a temporary folder for the test infrastructure", e);
            }
        }
        return shared;
    }

    @Override
    public Map<String, String> start() {
        return shared().endpoints().config();
    }

    @Override
    public void stop() {
        // Kept for the next Quarkus application in this JVM; the shutdown hook stops it.
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
