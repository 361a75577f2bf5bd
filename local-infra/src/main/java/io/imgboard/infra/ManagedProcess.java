package io.imgboard.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server process started by the launcher: output to its own log file, pid in a verified pid file
 * ({@link PidFile}) so that {@code ./imgboard down} can stop it from another process.
 */
public final class ManagedProcess {
    private final String name;
    private final Process process; // null for an adopted process (PostgreSQL's postmaster)
    private final ProcessHandle handle;
    private final Path logFile;
    private final Path pidFile;
    private final Instant startedAt = Instant.now();

    private ManagedProcess(String name, Process process, ProcessHandle handle, Path logFile, Path pidFile) {
        this.name = name;
        this.process = process;
        this.handle = handle;
        this.logFile = logFile;
        this.pidFile = pidFile;
    }

    public static ManagedProcess start(String name, List<String> command, Map<String, String> env, Path workDir,
                                       StateDir state) {
        Path log = state.logFile(name);
        ProcessBuilder builder = new ProcessBuilder(ownSession(command))
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // A null value removes a variable the launcher's own environment would pass on (a token
        // that this process must not hold).
        env.forEach((key, value) -> {
            if (value == null) {
                builder.environment().remove(key);
            } else {
                builder.environment().put(key, value);
            }
        });
        try {
            Process process = builder.start();
            Path pidFile = state.pidFile(name);
            PidFile.write(pidFile, process.toHandle());
            return new ManagedProcess(name, process, process.toHandle(), log, pidFile);
        } catch (IOException e) {
            throw new InfraException("could not start " + name + " (" + command.get(0) + "): " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code command} in a session of its own (setsid execs it under the same pid), so a
     * Ctrl-C in the terminal reaches only the launcher, which then stops the services before the
     * Kafka and PostgreSQL they still talk to. Without setsid the terminal would stop them all at once.
     */
    static List<String> ownSession(List<String> command) {
        if (!Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            return command;
        }
        List<String> wrapped = new java.util.ArrayList<>();
        wrapped.add("/usr/bin/setsid");
        wrapped.addAll(command);
        return wrapped;
    }

    /** Adopts a process that something else started (PostgreSQL's postmaster), for stopping and status. */
    public static ManagedProcess adopt(String name, long pid, StateDir state) {
        ProcessHandle handle = ProcessHandle.of(pid)
                .orElseThrow(() -> new InfraException(name + " (pid " + pid + ") is not running"));
        return new ManagedProcess(name, null, handle, state.logFile(name), state.pidFile(name));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public ProcessHandle handle() {
        return handle;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** How it ended, for a person: "exit 1", "killed by SIGKILL (exit 137)", or just "exited". */
    public String exitDescription() {
        if (process == null || process.isAlive()) {
            return "exited";
        }
        int code = process.exitValue();
        if (code > 128 && code < 128 + 65) {
            return "killed by " + signalName(code - 128) + " (exit " + code + ")";
        }
        return "exit " + code;
    }

    public Optional<Integer> exitCode() {
        return process == null || process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    private static String signalName(int signal) {
        return switch (signal) {
            case 1 -> "SIGHUP";
            case 2 -> "SIGINT";
            case 6 -> "SIGABRT";
            case 9 -> "SIGKILL";
            case 11 -> "SIGSEGV";
            case 15 -> "SIGTERM";
            default -> "signal " + signal;
        };
    }

    /** Throws with the end of the log when the process has died, so a failed start explains itself. */
    public void requireAlive() {
        if (!handle.isAlive()) {
            throw new InfraException(name + " exited during start-up; last lines of " + logFile + ":\n" + tail(logFile, 15));
        }
    }

    /** SIGTERM, wait, then SIGKILL. */
    public void stop(Duration grace) {
        stopHandle(handle, grace);
        if (pidFile != null) {
            PidFile.delete(pidFile);
        }
    }

    /** SIGTERM to {@code handle}, then, after {@code grace}, SIGKILL to it and everything it started. */
    public static void stopHandle(ProcessHandle handle, Duration grace) {
        if (!handle.isAlive()) {
            return;
        }
        if (grace.isZero()) {
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
        } else {
            handle.destroy();
        }
        try {
            handle.onExit().get(Math.max(grace.toMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (Exception timedOut) {
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
            try {
                handle.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // the kernel will reap it; nothing more a launcher can do
            }
        }
    }

    /**
     * Stops the process {@code pidFile} names, if it is still alive and still the process that
     * wrote it (see {@link PidFile}); a stale file is only deleted.
     */
    public static Optional<Long> stopByPidFile(Path pidFile, Duration grace) {
        Optional<ProcessHandle> handle = PidFile.verified(pidFile);
        handle.ifPresent(h -> stopHandle(h, grace));
        PidFile.delete(pidFile);
        return handle.map(ProcessHandle::pid);
    }

    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
