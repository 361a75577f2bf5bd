package io.imgboard.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * For throwaway servers (tests): a tiny shell process that outlives a JVM killed without running
 * its shutdown hooks (surefire does that to a test JVM that is slow to exit) and then stops the
 * servers that JVM started, so no orphaned Kafka or PostgreSQL keeps running on the machine. It
 * outlives a kill of the JVM's whole process group too ({@code WatchdogTest}).
 */
public final class Watchdog {
    private Watchdog() {
    }

    public static Process guard(List<Long> pids, Path postgresData, Path deleteAfterwards) {
        return guard(pids, postgresData, deleteAfterwards, null);
    }

    public static Process guard(List<Long> pids, Path postgresData, Path deleteAfterwards, Path alsoDelete) {
        long jvm = ProcessHandle.current().pid();
        String kill = pids.stream().map(String::valueOf).collect(Collectors.joining(" "));
        List<String> script = new ArrayList<>();
        script.add("while kill -0 " + jvm + " 2>/dev/null; do sleep 1; done");
        if (!kill.isEmpty()) {
            script.add("kill -9 " + kill + " 2>/dev/null");
        }
        if (postgresData != null) {
            String pgCtl = quote(Layout.postgresBin().resolve("pg_ctl").toString()) + " -D " + quote(postgresData.toString())
                    + " -m immediate stop";
            script.add("[ -f " + quote(postgresData + "/postmaster.pid") + " ] && "
                    + (PostgresServer.runsAsRoot() ? "runuser -u postgres -- " : "") + pgCtl + " >/dev/null 2>&1");
        }
        for (Path delete : new Path[] {deleteAfterwards, alsoDelete}) {
            if (delete != null) {
                script.add("rm -rf " + quote(delete.toString()));
            }
        }
        try {
            // In a session of its own: a signal to the JVM's whole process group (a Ctrl-C in the terminal,
            // a CI runner's timeout) ends the JVM, and must not end its watchdog with it.
            return new ProcessBuilder(ManagedProcess.ownSession(List.of("/bin/sh", "-c", String.join("; ", script))))
                    .directory(new java.io.File("/"))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new InfraException("cannot start the watchdog for test servers: " + e.getMessage(), e);
        }
    }

    /** One shell word, whatever the path holds (spaces, quotes). */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
