package io.imgboard.infra.bench;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The parts of {@code ./imgboard bench library} that read a JVM; the bench itself runs a whole system. */
class LibraryBenchTest {

    @Test
    void readsAJvmsLiveHeapThroughJcmd() {
        Runtime runtime = Runtime.getRuntime();
        byte[] held = new byte[64 << 20];
        long withHeld = LibraryBench.heapAfterGc(ProcessHandle.current().pid());
        long reachable = held.length;
        held = null; // unreachable from here: the next full collection frees it
        long without = LibraryBench.heapAfterGc(ProcessHandle.current().pid());

        assertTrue(withHeld << 10 <= runtime.maxMemory(), withHeld + " KB is more than the heap can hold");
        assertTrue(withHeld - without >= (reachable >> 10) * 9 / 10,
                "64 MB let go, but the live heap went from " + withHeld + " KB to " + without + " KB");
    }

    @Test
    void aDisplayThatWasNeverReadyReportsNoFigures() {
        LibraryBench.Result never = new LibraryBench.Result(1000, Double.NaN, 3, 20_000, 0, 0, 0, 0, 0, Double.NaN);
        assertFalse(never.ready());
        LibraryBench.Result ready = new LibraryBench.Result(1000, 2.5, 0, 20_000, 20_000 + 640, 300, 90_000, 100, 80, 45.0);
        assertTrue(ready.ready());
        assertEquals(655, ready.bytesPerPhoto());
    }
}
