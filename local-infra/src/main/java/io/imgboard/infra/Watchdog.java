package io.imgboard.infra;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * For throwaway servers (tests): a tiny shell process that outlives a JVM killed without running
 * its shutdown hooks (surefire does that to a test JVM that is slow to exit) and then stops the
 * servers that JVM started, so no orphaned Kafka or PostgreSQL keeps running on the machine.
 */
public final class Watchdog {
    private Watchdog() {
    }

    public static Process guard(List<Long> pids, Path postgresData, Path deleteAfterwards) {
        long jvm = ProcessHandle.current().pid();
        String kill = pids.stream().map(String::valueOf).collect(Collectors.joining(" "));
        List<String> script = new ArrayList<>();
        script.add("while kill -0 " + jvm + " 2>/dev/null; do sleep 1; done");
        if (!kill.isEmpty()) {
            script.add("kill -9 " + kill + " 2>/dev/null");
        }
        if (postgresData != null) {
            String pgCtl = Layout.postgresBin().resolve("pg_ctl") + " -D '" + postgresData + "' -m immediate stop";
            boolean root = "root".equals(System.getProperty("user.name"));
            script.add("[ -f '" + postgresData + "/postmaster.pid' ] && " + (root ? "runuser -u postgres -- " : "")
                    + pgCtl + " >/dev/null 2>&1");
        }
        if (deleteAfterwards != null) {
            script.add("rm -rf '" + deleteAfterwards + "'");
        }
        try {
            return new ProcessBuilder("/bin/sh", "-c", String.join("; ", script))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new InfraException("cannot start the watchdog for test servers: " + e.getMessage(), e);
        }
    }
}
