package io.imgboard.infra;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Keeps every process of {@code ./imgboard up} running: a process that dies is started again after
 * a backoff (1 s, doubling to 30 s; back to 1 s once it has been ready for a minute), with its
 * restart count and how it ended kept for {@code ./imgboard status} and the ops page. A service that
 * is alive but says itself it is not ({@code /q/health/live} DOWN, e.g. a Kafka consumer that gave up
 * during a broker restart) for {@link #LIVENESS_GRACE} is killed and started again, as Kubernetes'
 * liveness probe would; no answer at all is not taken as DOWN (a busy machine answers late). A unit
 * may have work to do each time it is ready again after a restart ({@link Unit#whenReadyAgain}).
 *
 * <p>The status is written to {@code <state>/run/status.json} (atomically, on every change and at
 * least every 5 s) and its path is given to every service as {@code IMGBOARD_STATUS_FILE}:
 * <pre>{@code
 * {"supervisor": {"pid": 4242, "startedAt": "…", "state": "starting|running|stopping|stopped"},
 *  "updatedAt": "…",
 *  "processes": [{"name": "ingest-service", "kind": "service|infrastructure", "pid": 4300,
 *                 "port": 8081, "state": "starting|ready|unready|backoff|stopped",
 *                 "startedAt": "…", "readySince": "…"|null, "restarts": 1,
 *                 "lastExit": "killed by SIGKILL (exit 137)"|null, "lastExitAt": "…"|null,
 *                 "nextStartAt": "…"|null, "log": "/…/logs/ingest-service.log"}, …]}
 * }</pre>
 */
public final class Supervisor implements Runnable {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration STABLE = Duration.ofSeconds(60);
    static final Duration LIVENESS_GRACE = Duration.ofSeconds(60);
    private static final Duration TICK = Duration.ofMillis(500);
    private static final Duration READY_RECHECK = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One supervised process and how to start it again. */
    public static final class Unit {
        final String name;
        final String kind;
        final int port;
        final Supplier<ManagedProcess> starter;
        final BooleanSupplier ready;
        final BooleanSupplier liveDown;
        volatile ManagedProcess process;
        volatile Instant downSince;
        volatile String state = "starting";
        volatile int restarts;
        volatile String lastExit;
        volatile Instant lastExitAt;
        volatile Instant readySince;
        volatile Instant nextStartAt;
        volatile Instant lastReadyCheck = Instant.EPOCH;
        volatile Runnable readyAgain = () -> { };
        Duration backoff = FIRST_BACKOFF;

        public Unit(String name, String kind, int port, ManagedProcess process, Supplier<ManagedProcess> starter,
                    BooleanSupplier ready) {
            this(name, kind, port, process, starter, ready, () -> false);
        }

        /** {@code liveDown}: true only when the process itself reports that it is not live. */
        public Unit(String name, String kind, int port, ManagedProcess process, Supplier<ManagedProcess> starter,
                    BooleanSupplier ready, BooleanSupplier liveDown) {
            this.liveDown = liveDown;
            this.name = name;
            this.kind = kind;
            this.port = port;
            this.process = process;
            this.starter = starter;
            this.ready = ready;
        }

        /**
         * Runs {@code work} each time a process started again becomes ready (not at the first start), on a
         * thread of its own so the supervisor goes on watching the others meanwhile.
         */
        public Unit whenReadyAgain(Runnable work) {
            this.readyAgain = work;
            return this;
        }
    }

    private final StateDir state;
    private final Launch launch;
    private final List<Unit> units;
    private final BiConsumer<String, ManagedProcess> onRestart;
    private final Instant startedAt = Instant.now();
    private volatile String phase = "running";
    private Instant lastWrite = Instant.EPOCH;

    Supervisor(StateDir state, Launch launch, List<Unit> units, BiConsumer<String, ManagedProcess> onRestart) {
        this.state = state;
        this.launch = launch;
        this.units = units;
        this.onRestart = onRestart;
    }

    public static Path statusFile(StateDir state) {
        return state.root().resolve("run").resolve("status.json");
    }

    /** Supervises until the launch closes. */
    @Override
    public void run() {
        units.forEach(u -> {
            u.state = "ready";
            u.readySince = Instant.now();
        });
        writeStatus(state, launch.closed() ? "stopping" : "running", units, startedAt);
        while (!launch.closed()) {
            boolean changed = false;
            for (Unit unit : units) {
                try {
                    changed |= tick(unit);
                } catch (Launch.Stopped stopping) {
                    return;
                }
            }
            if (changed || Instant.now().isAfter(lastWrite.plus(READY_RECHECK))) {
                write();
            }
            try {
                Thread.sleep(TICK.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean tick(Unit unit) {
        Instant now = Instant.now();
        switch (unit.state) {
            case "starting", "ready", "unready" -> {
                if (!unit.process.isAlive()) {
                    if (launch.closed()) {
                        return false;
                    }
                    unit.lastExit = unit.process.exitDescription();
                    unit.lastExitAt = now;
                    boolean wasStable = unit.readySince != null && unit.readySince.plus(STABLE).isBefore(now);
                    unit.backoff = wasStable ? FIRST_BACKOFF : unit.backoff;
                    scheduleRestart(unit, now);
                    System.out.printf("imgboard: %s stopped (%s); starting it again in %d s%n", unit.name, unit.lastExit,
                            unit.backoff.toSeconds());
                    unit.backoff = min(unit.backoff.multipliedBy(2), MAX_BACKOFF);
                    return true;
                }
                if (unit.state.equals("starting") || now.isAfter(unit.lastReadyCheck.plus(READY_RECHECK))) {
                    unit.lastReadyCheck = now;
                    boolean ready = unit.ready.getAsBoolean();
                    String next = ready ? "ready" : unit.state.equals("starting") ? "starting" : "unready";
                    if (next.equals("unready") && unit.liveDown.getAsBoolean()) {
                        unit.downSince = unit.downSince == null ? now : unit.downSince;
                        if (!unit.downSince.plus(LIVENESS_GRACE).isAfter(now)) {
                            unit.downSince = null;
                            unit.process.stop(Duration.ZERO);
                            unit.lastExit = "not live for " + LIVENESS_GRACE.toSeconds() + " s (its /q/health/live said DOWN); killed";
                            unit.lastExitAt = now;
                            scheduleRestart(unit, now);
                            System.out.printf("imgboard: %s %s; starting it again in %d s%n", unit.name, unit.lastExit,
                                    unit.backoff.toSeconds());
                            unit.backoff = min(unit.backoff.multipliedBy(2), MAX_BACKOFF);
                            return true;
                        }
                    } else {
                        unit.downSince = null;
                    }
                    if (!next.equals(unit.state)) {
                        boolean started = unit.state.equals("starting");
                        unit.state = next;
                        if (ready) {
                            unit.readySince = now;
                            if (unit.restarts > 0) {
                                System.out.printf("imgboard: %s is ready again (restart %d)%n", unit.name, unit.restarts);
                                if (started) { // a process started again, not one back from unready
                                    Thread readyAgain = new Thread(unit.readyAgain, unit.name + "-ready-again");
                                    readyAgain.setDaemon(true);
                                    readyAgain.start();
                                }
                            }
                        }
                        return true;
                    }
                }
                return false;
            }
            case "backoff" -> {
                if (now.isBefore(unit.nextStartAt)) {
                    return false;
                }
                unit.restarts++;
                try {
                    ManagedProcess process = launch.start(unit.name, clean -> {
                        ManagedProcess current = unit.process;
                        if (current != null) {
                            current.stop(clean ? Duration.ofSeconds(20) : Duration.ZERO);
                        }
                    }, unit.starter);
                    unit.process = process;
                    unit.state = "starting";
                    unit.readySince = null;
                    unit.nextStartAt = null;
                    onRestart.accept(unit.name, process);
                } catch (Launch.Stopped stopping) {
                    throw stopping;
                } catch (RuntimeException e) {
                    // One line for the status table and the ops page: the reason's first line (a failed
                    // PostgreSQL start quotes its log after it), and where the rest is.
                    String reason = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                    unit.lastExit = "could not start: " + reason
                            + (String.valueOf(e.getMessage()).contains("\n") ? " (more in its log)" : "");
                    unit.lastExitAt = now;
                    scheduleRestart(unit, now);
                    unit.backoff = min(unit.backoff.multipliedBy(2), MAX_BACKOFF);
                }
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private static void scheduleRestart(Unit unit, Instant now) {
        unit.state = "backoff";
        unit.readySince = null;
        unit.nextStartAt = now.plus(unit.backoff);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Marks the supervisor as stopping (the shutdown path calls it before stopping anything). */
    public void stopping() {
        phase = "stopping";
        write();
    }

    private synchronized void write() {
        lastWrite = Instant.now();
        writeStatus(state, launch.closed() && !phase.equals("stopped") ? "stopping" : phase, units, startedAt);
    }

    /** Writes the status file; also used before a supervisor exists (start-up) and after it ends. */
    public static void writeStatus(StateDir state, String phase, List<Unit> units, Instant startedAt) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode supervisor = root.putObject("supervisor");
        supervisor.put("pid", ProcessHandle.current().pid());
        supervisor.put("startedAt", startedAt.toString());
        supervisor.put("state", phase);
        root.put("updatedAt", Instant.now().toString());
        ArrayNode processes = root.putArray("processes");
        for (Unit unit : units) {
            ObjectNode p = processes.addObject();
            p.put("name", unit.name);
            p.put("kind", unit.kind);
            p.put("pid", unit.process == null ? null : unit.process.pid());
            p.put("port", unit.port);
            p.put("state", unit.state.equals("backoff") || unit.process == null || unit.process.isAlive() ? unit.state : "stopped");
            p.put("startedAt", unit.process == null ? null : unit.process.startedAt().toString());
            p.put("readySince", unit.readySince == null ? null : unit.readySince.toString());
            p.put("restarts", unit.restarts);
            p.put("lastExit", unit.lastExit);
            p.put("lastExitAt", unit.lastExitAt == null ? null : unit.lastExitAt.toString());
            p.put("nextStartAt", unit.nextStartAt == null ? null : unit.nextStartAt.toString());
            p.put("log", state.logFile(unit.name).toString());
        }
        Path file = statusFile(state);
        try {
            Path temporary = file.resolveSibling("status.json.tmp");
            Files.writeString(temporary, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            System.err.println("imgboard: cannot write " + file + ": " + e.getMessage());
        }
    }

    /** The final word in the status file, after everything stopped. */
    public void stopped() {
        phase = "stopped";
        units.forEach(u -> u.state = "stopped");
        write();
    }
}
