package io.imgboard.infra.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.infra.InfraException;
import io.imgboard.infra.Services;
import io.imgboard.infra.Sleeper;
import io.imgboard.infra.StateDir;
import io.imgboard.infra.Supervisor;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The faults of a chaos run and how each is made. Processes are found through the supervisor's
 * status file (the same one {@code ./imgboard status} reads), so a fault always hits the process
 * running now, and "back" means the supervisor itself reports it ready again under a new pid.
 */
final class Faults {
    static final List<String> SERVICES = List.of("ingest-service", "ledger-service", "preprocessor-service",
            "display-service");
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Kind {
        /** {@code kill -9} of a service; the supervisor starts it again. */
        KILL_SERVICE,
        /** {@code kill -9} of the Kafka broker; the supervisor starts it again on the same data. */
        RESTART_KAFKA,
        /** PostgreSQL's immediate shutdown (SIGQUIT: no checkpoint, crash recovery on the next start); the supervisor starts it again. */
        RESTART_POSTGRES,
        /** The S3 server frozen (SIGSTOP) for a while, then resumed (SIGCONT): every request to it hangs meanwhile. */
        PAUSE_S3
    }

    record Fault(Kind kind, String target) {
        String describe(Duration s3Pause) {
            return switch (kind) {
                case KILL_SERVICE -> "kill -9 " + target;
                case RESTART_KAFKA -> "kill -9 kafka (broker restarted by the supervisor)";
                case RESTART_POSTGRES -> "PostgreSQL immediate shutdown (SIGQUIT), restarted by the supervisor";
                case PAUSE_S3 -> "S3 server stopped (SIGSTOP) for " + s3Pause.toSeconds() + " s";
            };
        }
    }

    /** What happened: when, to which pid, and how long until the supervisor had it ready again. */
    record Injected(Fault fault, String description, Instant at, Instant endedAt, long pid, Long newPid,
                    Duration backAfter) {
        /** For a person: how the process came back (or that it did not). */
        String outcome() {
            if (backAfter == null) {
                return "NOT ready again";
            }
            String after = String.format("%.1f s", backAfter.toMillis() / 1000.0);
            return newPid == null ? "resumed; all ready " + after + " later"
                    : "pid " + pid + " → " + newPid + ", ready again after " + after;
        }
    }

    private final StateDir state;
    private final Duration s3Pause;
    private final java.util.Collection<Integer> servicePorts;

    Faults(StateDir state, Duration s3Pause, java.util.Collection<Integer> servicePorts) {
        this.state = state;
        this.s3Pause = s3Pause;
        this.servicePorts = List.copyOf(servicePorts);
    }

    /**
     * The default plan: every service killed {@code killsPerService} times, Kafka and PostgreSQL
     * restarted once, the S3 server stopped once; in an order drawn from {@code seed}, so a failing
     * run can be replayed exactly.
     */
    static List<Fault> plan(int killsPerService, boolean infrastructure, long seed) {
        List<Fault> plan = new ArrayList<>();
        for (int i = 0; i < killsPerService; i++) {
            SERVICES.forEach(service -> plan.add(new Fault(Kind.KILL_SERVICE, service)));
        }
        if (infrastructure) {
            plan.add(new Fault(Kind.RESTART_KAFKA, "kafka"));
            plan.add(new Fault(Kind.RESTART_POSTGRES, "postgres"));
            plan.add(new Fault(Kind.PAUSE_S3, "s3"));
        }
        java.util.Collections.shuffle(plan, new Random(seed));
        return plan;
    }

    /** Makes the fault happen and waits until the supervisor has the process ready again (at most {@code patience}). */
    Injected inject(Fault fault, Duration patience) {
        long pid = pid(fault.target());
        Instant at = Instant.now();
        switch (fault.kind()) {
            case KILL_SERVICE, RESTART_KAFKA -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            case RESTART_POSTGRES -> signal("QUIT", pid);
            case PAUSE_S3 -> {
                signal("STOP", pid);
                try {
                    Sleeper.pause(s3Pause);
                } finally {
                    signal("CONT", pid);
                }
            }
        }
        Instant endedAt = Instant.now();
        boolean restarts = fault.kind() != Kind.PAUSE_S3;
        Instant deadline = endedAt.plus(patience);
        while (Instant.now().isBefore(deadline)) {
            JsonNode process = process(fault.target());
            // A frozen S3 server keeps its pid and its port; it is back when the services that use it
            // answer ready again, asked directly (the status file rechecks readiness only every few seconds).
            boolean back = restarts ? process != null && process.path("state").asText().equals("ready")
                    && process.path("pid").asLong() != pid : servicePorts.stream().allMatch(Services::isReady);
            if (back) {
                return new Injected(fault, fault.describe(s3Pause), at, endedAt, pid,
                        restarts ? process.path("pid").asLong() : null, Duration.between(endedAt, Instant.now()));
            }
            Sleeper.pause(Duration.ofMillis(250));
        }
        return new Injected(fault, fault.describe(s3Pause), at, endedAt, pid, null, null);
    }

    /** True when the supervisor reports every process ready. */
    boolean allReady() {
        JsonNode status = status();
        if (status == null) {
            return false;
        }
        for (JsonNode process : status.path("processes")) {
            if (!process.path("state").asText().equals("ready")) {
                return false;
            }
        }
        return true;
    }

    /** Pid of each process by name, as the supervisor knows them now. */
    java.util.Map<String, Long> pids() {
        java.util.Map<String, Long> pids = new java.util.LinkedHashMap<>();
        JsonNode status = status();
        if (status != null) {
            status.path("processes").forEach(p -> pids.put(p.path("name").asText(), p.path("pid").asLong()));
        }
        return pids;
    }

    private long pid(String name) {
        JsonNode process = process(name);
        if (process == null || !process.hasNonNull("pid")) {
            throw new InfraException("the supervisor's status names no running " + name);
        }
        return process.get("pid").asLong();
    }

    private JsonNode process(String name) {
        JsonNode status = status();
        if (status == null) {
            return null;
        }
        for (JsonNode process : status.path("processes")) {
            if (process.path("name").asText().equals(name)) {
                return process;
            }
        }
        return null;
    }

    private JsonNode status() {
        try {
            return JSON.readTree(Supervisor.statusFile(state).toFile());
        } catch (IOException e) {
            return null; // being replaced right now; the next look reads the new one
        }
    }

    /** Signals Java's ProcessHandle cannot send (STOP, CONT, QUIT), through kill(1). */
    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new InfraException("kill -" + signal + " " + pid + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new InfraException("cannot run kill: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("interrupted", e);
        }
    }
}
