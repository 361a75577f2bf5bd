package io.imgboard.infra;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The watchdog of a test JVM's servers, against real processes: a Ctrl-C in the terminal or a CI
 * runner's timeout signals the JVM's whole process group, and the servers (Kafka, s3proxy, each in a
 * session of its own) must still be stopped once the JVM is gone.
 */
class WatchdogTest {
    /** A JVM that guards the process named by its argument, says so, and waits to be killed. */
    public static final class GuardingJvm {
        public static void main(String[] args) throws InterruptedException {
            Watchdog.guard(List.of(Long.parseLong(args[0])), null, null);
            System.out.println("guarding");
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }

    @Test
    void aSignalToTheJvmsWholeProcessGroupStillStopsItsServers() throws Exception {
        Process server = new ProcessBuilder("/usr/bin/setsid", "sleep", "600").start();
        Process jvm = null;
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // setsid: the JVM leads a process group of its own, as a test JVM under a terminal's or runner's job does
            jvm = new ProcessBuilder("/usr/bin/setsid", java, "-cp", System.getProperty("java.class.path"),
                    GuardingJvm.class.getName(), String.valueOf(server.pid())).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("guarding", out.readLine());

            assertEquals(0, new ProcessBuilder("kill", "-TERM", "--", "-" + jvm.pid()).start().waitFor());

            assertTrue(jvm.waitFor(20, TimeUnit.SECONDS), "the JVM ended");
            assertTrue(server.waitFor(20, TimeUnit.SECONDS), "the server was stopped after its JVM was killed with its group");
        } finally {
            server.destroyForcibly();
            if (jvm != null) {
                jvm.destroyForcibly();
            }
        }
    }
}
