package io.imgboard.system;

import io.imgboard.infra.Ports;
import io.imgboard.infra.PostgresServer;
import io.imgboard.infra.StateDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The processes a {@code ./imgboard up} with state folder {@code home} started, for the launcher
 * tests: what its pid files name and whatever names the folder (or its PostgreSQL cluster) on its
 * command line or in its environment; and the check that none of them outlives {@code down}.
 */
final class StateProcesses {
    private StateProcesses() {
    }

    /** Every process the pid files name, and every process that mentions the state folder. */
    static Set<Long> all(Path home) {
        Set<Long> pids = new HashSet<>(mentioning(home));
        Path run = home.resolve("run");
        if (Files.isDirectory(run)) {
            try (Stream<Path> files = Files.list(run)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    try {
                        pids.add(Long.parseLong(Files.readAllLines(file).get(0).trim()));
                    } catch (IOException | RuntimeException vanished) {
                        // written or deleted right now; the next look sees it
                    }
                }
            } catch (IOException gone) {
                // the folder went away meanwhile: nothing to name
            }
        }
        return pids;
    }

    /** Processes whose command line or environment names the state folder or its PostgreSQL cluster. */
    static Set<Long> mentioning(Path home) {
        Path external = PostgresServer.externalCluster(StateDir.existing(home));
        Set<Long> found = new HashSet<>();
        ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid()).forEach(p -> {
            String cmd = p.info().commandLine().orElse("");
            String environ = "";
            try {
                environ = new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "environ")),
                        StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException ignored) {
                // gone, or not ours to read
            }
            if (cmd.contains(home.toString()) || environ.contains(home.toString())
                    || (external != null && cmd.contains(external.toString()))) {
                found.add(p.pid());
            }
        });
        return found;
    }

    /**
     * Within a minute none of {@code pids} lives and nothing names the folder; then Kafka's and
     * PostgreSQL's ports (IMGBOARD_KAFKA_PORT, IMGBOARD_POSTGRES_PORT in {@code env}) are free.
     */
    static void assertNoneLeft(Path home, Set<Long> pids, Map<String, String> env) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            List<String> alive = new ArrayList<>();
            for (long pid : pids) {
                ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                        .ifPresent(p -> alive.add(pid + " " + p.info().commandLine().orElse("?")));
            }
            mentioning(home).forEach(pid -> alive.add(pid + " (mentions the state folder)"));
            assertTrue(alive.isEmpty(), "processes left behind:\n" + String.join("\n", alive));
        });
        assertFalse(Ports.isListening(Integer.parseInt(env.get("IMGBOARD_KAFKA_PORT"))), "Kafka still listening");
        assertFalse(Ports.isListening(Integer.parseInt(env.get("IMGBOARD_POSTGRES_PORT"))), "PostgreSQL still listening");
    }
}
