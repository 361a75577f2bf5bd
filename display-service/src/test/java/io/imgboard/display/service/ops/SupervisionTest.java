package io.imgboard.display.service.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.config.OpsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A supervisor killed outright leaves its status file behind: the ops page must not read it as running. */
class SupervisionTest {
    @TempDir
    Path run;

    @Test
    void aStatusNoLongerRewrittenSaysTheSupervisorIsGone() throws Exception {
        Path file = run.resolve("status.json");
        Supervision supervision = new Supervision(config(file), new ObjectMapper());

        long alive = ProcessHandle.current().pid();
        Files.writeString(file, status(alive, "running", Instant.now()));
        assertNull(supervision.read().error(), "rewritten just now");

        // its process gone (a process of its own, started and ended here)
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Files.writeString(file, status(ended.pid(), "running", Instant.now()));
        Supervision.Status killed = supervision.read();
        assertTrue(killed.error().startsWith("the supervisor (./imgboard up) has ended without stopping what it ran"),
                killed.error());
        assertEquals(1, killed.processes().size(), "what it last said is still shown");

        // alive, but silent for longer than its slowest round
        Instant stuckSince = Instant.now().minus(Duration.ofMinutes(5));
        Files.writeString(file, status(alive, "running", stuckSince));
        Supervision.Status stale = supervision.read();
        assertTrue(stale.error().startsWith("the supervisor (./imgboard up) has not written its status since " + stuckSince),
                stale.error());

        Files.writeString(file, status(ended.pid(), "stopped", stuckSince));
        assertNull(supervision.read().error(), "a supervisor that stopped says so itself");
    }

    private static String status(long pid, String state, Instant updatedAt) {
        return "{\"supervisor\":{\"pid\":" + pid + ",\"startedAt\":\"2026-12-05T07:00:00Z\",\"state\":\"" + state + "\"},"
                + "\"updatedAt\":\"" + updatedAt + "\",\"processes\":[{\"name\":\"kafka\",\"kind\":\"infrastructure\","
                + "\"pid\":2,\"port\":9092,\"state\":\"ready\",\"restarts\":0}]}";
    }

    private static OpsConfig config(Path file) {
        return new OpsConfig() {
            @Override
            public Duration scrapeInterval() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration lagCacheFor() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration refreshInterval() {
                return Duration.ofSeconds(15);
            }

            @Override
            public Optional<String> statusFile() {
                return Optional.of(file.toString());
            }
        };
    }
}
