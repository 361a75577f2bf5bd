package io.imgboard.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A server process started by the launcher: output to its own log file, pid in a pid file so that
 * {@code ./imgboard down} can stop it from another process.
 */
public final class ManagedProcess {
    private final String name;
    private final ProcessHandle handle;
    private final Path logFile;
    private final Path pidFile;

    private ManagedProcess(String name, ProcessHandle handle, Path logFile, Path pidFile) {
        this.name = name;
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
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            Path pidFile = state.pidFile(name);
            Files.writeString(pidFile, Long.toString(process.pid()));
            return new ManagedProcess(name, process.toHandle(), log, pidFile);
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
        return new ManagedProcess(name, handle, state.logFile(name), null);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return handle.pid();
    }

    public boolean isAlive() {
        return handle.isAlive();
    }

    public Path logFile() {
        return logFile;
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
            try {
                Files.deleteIfExists(pidFile);
            } catch (IOException ignored) {
                // a stale pid file is harmless: down checks the pid is alive first
            }
        }
    }

    static void stopHandle(ProcessHandle handle, Duration grace) {
        if (!handle.isAlive()) {
            return;
        }
        handle.destroy();
        try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
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

    /** Stops the process whose pid is in {@code pidFile}, if it is still alive. */
    public static Optional<Long> stopByPidFile(Path pidFile, Duration grace) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            handle.ifPresent(h -> stopHandle(h, grace));
            Files.deleteIfExists(pidFile);
            return handle.map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
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
