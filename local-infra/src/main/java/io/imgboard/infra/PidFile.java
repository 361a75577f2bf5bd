package io.imgboard.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A pid file that names a process exactly: its pid, when it started and its command line. A pid
 * alone may belong to another process by the time someone reads it (the launcher was killed, the
 * machine rebooted, the kernel reused the number), and {@code down} must never signal a stranger:
 * {@link #verified} answers only for the process that wrote it.
 */
public final class PidFile {
    private PidFile() {
    }

    public static void write(Path file, ProcessHandle process) {
        String started = process.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-");
        String command = process.info().commandLine().orElse("-").replace('\n', ' ');
        try {
            Files.createDirectories(file.getParent());
            Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(temporary, process.pid() + "\n" + started + "\n" + command + "\n");
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new InfraException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The process the file names, if it still runs and is the same process: same start time, or,
     * where the OS does not tell the start time, the same command line.
     */
    public static Optional<ProcessHandle> verified(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        String started = lines.size() > 1 ? lines.get(1).trim() : "-";
        String command = lines.size() > 2 ? lines.get(2).trim() : "-";
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> sameProcess(h, started, command));
    }

    static boolean sameProcess(ProcessHandle handle, String started, String command) {
        Optional<Instant> actual = handle.info().startInstant();
        if (!started.equals("-") && actual.isPresent()) {
            return Math.abs(actual.get().toEpochMilli() - Long.parseLong(started)) < 1000;
        }
        Optional<String> line = handle.info().commandLine();
        return !command.equals("-") && line.isPresent() && line.get().replace('\n', ' ').equals(command);
    }

    public static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale pid file is harmless: it is verified before use
        }
    }
}
