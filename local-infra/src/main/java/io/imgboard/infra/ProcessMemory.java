package io.imgboard.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * How much memory the system's processes hold, from Linux's {@code /proc}: the one place the launcher,
 * {@code status}, the benches and chaos read it.
 *
 * <p>Two measures. {@link #residentKb} is a process's resident set ({@code VmRSS}), what {@code ps} and
 * {@code top} show. {@link #ofTreeKb} is what a process and its children take from the machine: their
 * proportional set sizes ({@code Pss} in {@code smaps_rollup}), where a page several processes share
 * counts for each a share. Summed over the system, it is what the system takes, with PostgreSQL's
 * connections (its children) in and the JVMs' shared library pages not counted once per JVM.
 */
public final class ProcessMemory {
    /** What the whole system at rest should fit in, every process with its children ({@code status} and the benches). */
    public static final long STACK_AT_REST_MB = 2048;

    private ProcessMemory() {
    }

    /** The process's resident set ({@code VmRSS}) in kB; empty when it is gone or not readable. */
    public static OptionalLong residentKb(long pid) {
        return field(pid, "status", "VmRSS:");
    }

    /** The proportional set size of the process and all its descendants, in kB; empty when it is gone. */
    public static OptionalLong ofTreeKb(long pid) {
        OptionalLong own = field(pid, "smaps_rollup", "Pss:");
        if (own.isEmpty()) {
            return own;
        }
        long kb = own.getAsLong();
        for (long child : descendants(pid)) {
            kb += field(child, "smaps_rollup", "Pss:").orElse(0); // a child that ended meanwhile holds nothing
        }
        return OptionalLong.of(kb);
    }

    /** The pids of a process's descendants, parents before their children; none when it is gone. */
    public static List<Long> descendants(long pid) {
        try (Stream<ProcessHandle> tree = ProcessHandle.of(pid).map(ProcessHandle::descendants).orElse(Stream.empty())) {
            return tree.map(ProcessHandle::pid).toList();
        }
    }

    /** {@link #ofTreeKb} of each named process, in MB, in the map's order; a process gone is left out. */
    public static Map<String, Long> ofTreesMb(Map<String, Long> pids) {
        Map<String, Long> mb = new LinkedHashMap<>();
        pids.forEach((name, pid) -> ofTreeKb(pid).ifPresent(kb -> mb.put(name, kb / 1024)));
        return mb;
    }

    /** A {@code /proc/<pid>/<file>} line's number ({@code "VmRSS:   1234 kB"} → 1234). */
    private static OptionalLong field(long pid, String file, String name) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), file))) {
            return lines.filter(line -> line.startsWith(name)).findFirst()
                    .map(line -> OptionalLong.of(Long.parseLong(line.substring(name.length()).replaceAll("[^0-9]", ""))))
                    .orElse(OptionalLong.empty());
        } catch (IOException | RuntimeException gone) {
            return OptionalLong.empty();
        }
    }
}
