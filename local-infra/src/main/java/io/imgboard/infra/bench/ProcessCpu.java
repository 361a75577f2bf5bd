package io.imgboard.infra.bench;

import io.imgboard.infra.ProcessMemory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time the system's processes have used so far, from Linux's {@code /proc}, in ms (clock ticks of
 * 10 ms: Linux' USER_HZ). What the pipeline bench subtracts between two moments.
 *
 * <p>{@link #ofTrees} counts a process with its descendants, and the children each has ended and
 * reaped: PostgreSQL works in its connections' processes, not in the postmaster, and a child that
 * ends between two readings moves its time into its parent's account without being lost.
 * {@link #byThread} splits one process by its threads' names, so that "the ledger spent 200 ms" can
 * be read as "its Kafka consumers 60, its workers 90, the JIT 30".
 */
final class ProcessCpu {
    private ProcessCpu() {
    }

    /** Each named process with its descendants, in the map's order; a process gone is left out. */
    static Map<String, Long> ofTrees(Map<String, Long> pids) {
        Map<String, Long> cpu = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            long[] own = ticks(Path.of("/proc", Long.toString(pid), "stat"));
            if (own == null) {
                return;
            }
            long total = own[0] + own[1];
            for (long child : ProcessMemory.descendants(pid)) {
                long[] ticks = ticks(Path.of("/proc", Long.toString(child), "stat"));
                if (ticks != null) {
                    total += ticks[0] + ticks[1];
                }
            }
            cpu.put(name, total * 10);
        });
        return cpu;
    }

    /**
     * One process's own threads, summed by name with the trailing number taken off
     * ({@code smallrye-kafka-consumer-thread-0} and {@code -1} are one entry; Linux keeps 15 characters).
     */
    static Map<String, Long> byThread(long pid) {
        Map<String, Long> cpu = new HashMap<>();
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(thread -> {
                long[] ticks = ticks(thread.resolve("stat"));
                String name = threadName(thread);
                if (ticks != null && name != null) {
                    cpu.merge(name, ticks[0] * 10, Long::sum);
                }
            });
        } catch (IOException | RuntimeException gone) {
            // the process ended meanwhile
        }
        return cpu;
    }

    /**
     * The difference of two {@link #byThread} readings. A thread that started meanwhile counts from zero;
     * one that ended meanwhile takes its time out of its name's sum (never below zero): right for the
     * compilers and the services' fixed pools, an undercount for a pool that shrank.
     */
    static Map<String, Long> since(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> used = new HashMap<>();
        after.forEach((name, ms) -> used.put(name, Math.max(0, ms - before.getOrDefault(name, 0L))));
        return used;
    }

    private static String threadName(Path thread) {
        try {
            return Files.readString(thread.resolve("comm")).strip().replaceAll("[-#_ ]?\\d+$", "");
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }

    /**
     * {@code [own, reaped children's]} user + system ticks of a {@code stat} file (fields 14 + 15 and
     * 16 + 17), or {@code null} when it is gone.
     */
    private static long[] ticks(Path stat) {
        try {
            String line = Files.readString(stat);
            // after the command name in parentheses: state is field 3, utime 14, stime 15, cutime 16, cstime 17
            String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
                    Long.parseLong(fields[13]) + Long.parseLong(fields[14])};
        } catch (IOException | RuntimeException gone) {
            return null;
        }
    }
}
