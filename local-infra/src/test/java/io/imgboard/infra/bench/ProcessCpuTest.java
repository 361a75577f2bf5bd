package io.imgboard.infra.bench;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPU read from /proc, on real processes and threads: shells whose child spins, a thread of this JVM that spins. */
class ProcessCpuTest {
    /** A bash loop of about a second of CPU on these machines; the assertions ask for a fifth of that. */
    private static final String SPIN = "i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done";
    private static final long AT_LEAST_MS = 200;

    @Test
    void aProcessTreeCountsItsLiveChildrenAndTheOnesItReaped() throws Exception {
        // The spinning bash is a child of sh: alive afterwards (it sleeps), or ended and reaped by sh.
        Process live = start("bash -c '" + SPIN + "; echo done; sleep 60'; true");
        Process reaped = start("bash -c '" + SPIN + "'; echo done; sleep 60");
        try {
            awaitDone(live);
            awaitDone(reaped);
            Map<String, Long> trees = ProcessCpu.ofTrees(Map.of("live", live.pid(), "reaped", reaped.pid(),
                    "gone", Long.MAX_VALUE));
            assertTrue(trees.get("live") >= AT_LEAST_MS, "a live child's CPU counted with its shell: " + trees);
            assertTrue(trees.get("reaped") >= AT_LEAST_MS, "a reaped child's CPU counted with its shell: " + trees);
            assertFalse(trees.containsKey("gone"), "a process that is not there is left out");
            long shellOwn = live.info().totalCpuDuration().orElseThrow().toMillis();
            assertTrue(shellOwn < AT_LEAST_MS, "the shell itself spent little: " + shellOwn + " ms");
        } finally {
            for (Process shell : new Process[] {live, reaped}) {
                shell.descendants().forEach(ProcessHandle::destroyForcibly);
                shell.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void aThreadsTimeIsSummedUnderItsNameWithoutItsNumber() throws Exception {
        long self = ProcessHandle.current().pid();
        Map<String, Long> before = ProcessCpu.byThread(self);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread spinner = new Thread(() -> {
            long from = threads.getCurrentThreadCpuTime();
            long x = 0;
            while (threads.getCurrentThreadCpuTime() - from < TimeUnit.MILLISECONDS.toNanos(2 * AT_LEAST_MS)) {
                x += System.nanoTime() % 7;
            }
            spun.countDown();
            try {
                done.await(); // still there when it is read
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (x == 42) {
                System.out.println(x); // keeps the loop from being optimised away
            }
        }, "cpu-spinner-7");
        spinner.start();
        try {
            assertTrue(spun.await(60, TimeUnit.SECONDS));
            Map<String, Long> used = ProcessCpu.since(before, ProcessCpu.byThread(self));
            assertTrue(used.getOrDefault("cpu-spinner", 0L) >= AT_LEAST_MS, "the spinner's time under its name: " + used);
        } finally {
            done.countDown();
            spinner.join();
        }
    }

    private static Process start(String script) throws Exception {
        return new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
    }

    private static void awaitDone(Process shell) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(shell.getInputStream()));
        assertEquals("done", out.readLine(), "the child's loop ended");
    }
}
