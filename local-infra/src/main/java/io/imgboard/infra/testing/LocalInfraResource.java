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
import java.util.Map;

/**
 * Real Kafka, PostgreSQL and S3 server for {@code @QuarkusTest}s: started once per test JVM on free
 * ports in a temporary folder, stopped and deleted when the JVM exits. Use with
 * {@code @QuarkusTestResource(LocalInfraResource.class)} on one test class of a module.
 *
 * <p>Quarkus loads test classes in more than one class loader (one per application it starts),
 * so a static field alone would start a set of servers per loader. The first loader starts them
 * and publishes their endpoints as system properties, which every loader sees; the others attach.
 */
public class LocalInfraResource implements QuarkusTestResourceLifecycleManager {
    // Outside the "imgboard." namespace: services map that prefix and would refuse unknown keys.
    private static final String PREFIX = "localinfra.test.";
    /** Interned, so the same object in every class loader of this JVM. */
    private static final Object JVM_WIDE_LOCK = (PREFIX + "lock").intern();

    private static LocalInfra shared;

    /** The database this module's service owns; {@code initArgs = @ResourceArg(name = "database", value = "ingest")}. */
    private String database = "ledger";

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
    }

    /** The running infrastructure, starting it on first use (also for plain JUnit tests). */
    public static LocalInfra shared() {
        synchronized (JVM_WIDE_LOCK) {
            if (shared != null) {
                return shared;
            }
            String home = System.getProperty(PREFIX + "home");
            if (home != null) {
                shared = LocalInfra.attach(new StateDir(Path.of(home)), read());
                return shared;
            }
            try {
                // Private (mode 700) like any mktemp -d folder; as root, PostgreSQL keeps its cluster
                // outside it (see PostgresServer), so nothing here needs loosening.
                Path dir = Files.createTempDirectory("imgboard-test-");
                LocalInfra infra = LocalInfra.startThrowaway(Layout.find(), new StateDir(dir), Endpoints.Ports3.free(),
                        Topics.ALL);
                // The throwaway infrastructure's watchdog deletes the folder once the servers are gone.
                Runtime.getRuntime().addShutdownHook(new Thread(infra::close, "stop-test-infra"));
                publish(dir, infra.endpoints());
                shared = infra;
                return shared;
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a temporary folder for the test infrastructure", e);
            }
        }
    }

    @Override
    public Map<String, String> start() {
        return shared().endpoints().withDatabase(database).config();
    }

    @Override
    public void stop() {
        // Kept for the next Quarkus application in this JVM; the shutdown hook stops it.
    }

    private static void publish(Path home, Endpoints e) {
        System.setProperty(PREFIX + "kafka", e.kafkaBootstrap());
        System.setProperty(PREFIX + "jdbc-url", e.jdbcUrl());
        System.setProperty(PREFIX + "db-user", e.dbUser());
        System.setProperty(PREFIX + "db-password", e.dbPassword());
        System.setProperty(PREFIX + "s3-endpoint", e.s3Endpoint());
        System.setProperty(PREFIX + "s3-access-key", e.s3AccessKey());
        System.setProperty(PREFIX + "s3-secret-key", e.s3SecretKey());
        System.setProperty(PREFIX + "home", home.toString()); // last: its presence means all are set
    }

    private static Endpoints read() {
        return new Endpoints(System.getProperty(PREFIX + "kafka"), System.getProperty(PREFIX + "jdbc-url"),
                System.getProperty(PREFIX + "db-user"), System.getProperty(PREFIX + "db-password"),
                System.getProperty(PREFIX + "s3-endpoint"), System.getProperty(PREFIX + "s3-access-key"),
                System.getProperty(PREFIX + "s3-secret-key"));
    }
}
