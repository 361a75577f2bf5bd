package io.imgboard.infra.chaos;

import io.imgboard.infra.Layout;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A full collection of one JVM and its heap right after it, through the JDK's own {@code jcmd}
 * ({@code GC.run}, {@code GC.heap_info}, then {@code VM.native_memory summary}, in one attach):
 * what the process keeps, not what it has not yet collected, and where its memory outside the heap
 * is (code cache, metaspace, threads, …) when it runs with {@code -XX:NativeMemoryTracking=summary}.
 * A process that is not a JVM of this user, or a JDK without {@code jcmd}, gives nothing.
 */
final class HeapProbe {
    /** A heap's (or generation's) line: "def new generation   total 39296K, used 1213K [...". */
    private static final Pattern GENERATION = Pattern.compile("^\\s*(?!Metaspace|class space)[A-Za-z -]+?\\s+total (\\d+)K, used (\\d+)K");
    /** A native memory tracking category: "-      Code (reserved=249887KB, committed=23747KB)". */
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB");
    /** Native memory tracking's total: "Total: reserved=1857805KB, committed=462337KB". */
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB");

    /** One reading: the heap in use right after the collection (kB), and committed kB per tracked category with "Total" (empty without tracking). */
    record Reading(long liveKb, java.util.Map<String, Long> nativeKb) {
    }

    private final Path jcmd;
    private final Path commands;

    private HeapProbe(Path jcmd, Path commands) {
        this.jcmd = jcmd;
        this.commands = commands;
    }

    /** The probe next to the running JDK's {@code java}, or empty when that JDK has no {@code jcmd}. */
    static Optional<HeapProbe> find(Path workDir) {
        Path jcmd = Path.of(Layout.java()).resolveSibling("jcmd");
        if (!Files.isExecutable(jcmd)) {
            return Optional.empty();
        }
        try {
            Path commands = workDir.resolve("soak-jcmd.txt");
            Files.writeString(commands, "GC.run\nGC.heap_info\nVM.native_memory summary\n", StandardCharsets.UTF_8);
            return Optional.of(new HeapProbe(jcmd, commands));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The heap and native memory right after a full collection of {@code pid}; nothing for a
     * process that is not a JVM. It must be asked first: the attach mechanism signals the process
     * with SIGQUIT, which PostgreSQL takes as "shut down immediately".
     */
    Optional<Reading> collect(long pid) {
        if (!isJvm(pid)) {
            return Optional.empty();
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "-f", commands.toString())
                    .redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return parse(text);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A HotSpot JVM: its executable is a {@code java} launcher and it maps libjvm. */
    static boolean isJvm(long pid) {
        try {
            Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe"));
            return exe.getFileName().toString().equals("java")
                    && Files.readString(Path.of("/proc", Long.toString(pid), "maps"), StandardCharsets.ISO_8859_1).contains("/libjvm.so");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Sums the heap's generations in use in a {@code GC.heap_info} answer, and reads the categories of a
     * {@code VM.native_memory summary} answer when there is one.
     */
    static Optional<Reading> parse(String answer) {
        long used = 0;
        boolean any = false;
        java.util.Map<String, Long> tracked = new java.util.LinkedHashMap<>();
        for (String line : answer.split("\n")) {
            Matcher m = GENERATION.matcher(line);
            if (m.find()) {
                used += Long.parseLong(m.group(2));
                any = true;
            }
            Matcher total = TOTAL.matcher(line);
            if (total.find()) {
                tracked.put("Total", Long.parseLong(total.group(1)));
            }
            Matcher category = CATEGORY.matcher(line.trim());
            if (category.find()) {
                tracked.put(category.group(1).trim(), Long.parseLong(category.group(2)));
            }
        }
        return any ? Optional.of(new Reading(used, tracked)) : Optional.empty();
    }
}
