package io.imgboard.preprocessor.service;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * A thread's own nice value on Linux, where {@code setpriority(PRIO_PROCESS, tid, n)} applies to
 * that one thread. Any thread may make itself nicer; going back needs a privilege the service does
 * not have, so a thread that lowers its priority is one that stays at background work.
 */
final class ThreadNice {
    private static final int PRIO_PROCESS = 0;

    private interface LibC extends Library {
        int gettid();

        int setpriority(int which, int who, int prio) throws LastErrorException;
    }

    private static LibC libc;
    private static String unavailable;

    private ThreadNice() {
    }

    /**
     * Makes the calling thread's nice value {@code nice}; empty when it did, else why not (not
     * Linux, no such call in this libc, refused).
     */
    static synchronized java.util.Optional<String> set(int nice) {
        try {
            if (libc == null && unavailable == null) {
                libc = Native.load("c", LibC.class);
            }
        } catch (LinkageError e) {
            unavailable = "libc cannot be loaded: " + e.getMessage();
        }
        if (libc == null) {
            return java.util.Optional.of(unavailable);
        }
        try {
            libc.setpriority(PRIO_PROCESS, libc.gettid(), nice);
            return java.util.Optional.empty();
        } catch (LastErrorException e) {
            return java.util.Optional.of("setpriority refused: errno " + e.getErrorCode());
        } catch (UnsatisfiedLinkError e) {
            return java.util.Optional.of("no gettid/setpriority in this libc: " + e.getMessage());
        }
    }

    /** The calling thread's nice value as the kernel reports it ({@code /proc/thread-self/stat}), if it does. */
    static OptionalInt current() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, nice 19.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return OptionalInt.of(Integer.parseInt(fields[19 - 3]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }
}
