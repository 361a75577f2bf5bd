package io.imgboard.infra;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Memory read from /proc, on real processes: a shell whose child holds 48 MB. */
class ProcessMemoryTest {
    private static final long HELD_KB = 48 * 1024;

    @Test
    void aProcessTreeCountsItsChildrenAndAProcessGoneCountsNothing() throws Exception {
        // bash keeps the 48 MB string it read in a variable: the child's memory, not the parent shell's.
        Process shell = new ProcessBuilder("sh", "-c",
                "bash -c 'held=$(head -c " + HELD_KB * 1024 + " /dev/zero | tr \"\\0\" x); sleep 60' & wait").start();
        try {
            long pid = shell.pid();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            long treeKb = 0;
            while (Instant.now().isBefore(deadline) && treeKb < HELD_KB) {
                Sleeper.pause(Duration.ofMillis(200));
                treeKb = ProcessMemory.ofTreeKb(pid).orElse(0);
            }
            assertTrue(treeKb >= HELD_KB, "the child's 48 MB counted with its parent: " + treeKb + " kB");
            long ownKb = ProcessMemory.residentKb(pid).orElseThrow();
            assertTrue(ownKb < HELD_KB / 4, "the shell itself holds little: " + ownKb + " kB");
            Map<String, Long> trees = ProcessMemory.ofTreesMb(Map.of("shell", pid, "gone", Long.MAX_VALUE));
            assertEquals(List.of("shell"), List.copyOf(trees.keySet()), "a process that is not there is left out");
            assertTrue(trees.get("shell") >= HELD_KB / 1024);
        } finally {
            shell.descendants().forEach(ProcessHandle::destroyForcibly);
            shell.destroyForcibly().waitFor();
        }
        assertEquals(OptionalLong.empty(), ProcessMemory.residentKb(shell.pid()));
        assertEquals(OptionalLong.empty(), ProcessMemory.ofTreeKb(shell.pid()));
    }
}
