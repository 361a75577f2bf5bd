package io.imgboard.preprocessor.service;

import io.imgboard.preprocessor.imaging.ImageRefusedException;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The complete stage's threads: their nice value as the kernel reports it, and failures passed back unchanged. */
class BackgroundWorkTest {

    @Test
    void workRunsOnAThreadTheKernelReportsAtTheNiceValueWhileTheCallerKeepsItsOwn() throws Exception {
        OptionalInt caller = ThreadNice.current();
        assertTrue(caller.isPresent(), "no /proc/thread-self/stat on this machine");
        assertTrue(caller.getAsInt() < 10, "the test itself runs at nice " + caller.getAsInt());
        try (BackgroundWork work = new BackgroundWork(2, 10)) {
            Thread me = Thread.currentThread();
            assertNotEquals(me, work.call(Thread::currentThread));
            assertEquals(OptionalInt.of(10), work.call(ThreadNice::current));
            try (BackgroundWork nicest = new BackgroundWork(1, 19)) {
                assertEquals(OptionalInt.of(19), nicest.call(ThreadNice::current));
            }
            assertEquals(caller, ThreadNice.current(), "the caller's own priority is untouched");
            assertEquals(2, work.ran());
        }
    }

    @Test
    void niceZeroRunsTheWorkOnTheCallersThread() throws Exception {
        try (BackgroundWork work = new BackgroundWork(2, 0)) {
            assertSame(Thread.currentThread(), work.call(Thread::currentThread));
            assertEquals(0, work.ran());
        }
        assertThrows(IllegalArgumentException.class, () -> new BackgroundWork(2, 20));
        assertThrows(IllegalArgumentException.class, () -> new BackgroundWork(2, -1));
    }

    @Test
    void failuresComeBackAsTheyWereThrownAndTheLogContextGoesAlong() throws Exception {
        try (BackgroundWork work = new BackgroundWork(1, 10)) {
            ImageRefusedException refused = new ImageRefusedException("corrupt or truncated JPEG: premature end");
            assertSame(refused, assertThrows(ImageRefusedException.class, () -> work.imaging(() -> {
                throw refused;
            })));
            IOException io = new IOException("disk gone");
            assertSame(io, assertThrows(IOException.class, () -> work.imaging(() -> {
                throw io;
            })));
            IllegalStateException bug = new IllegalStateException("bug");
            assertSame(bug, assertThrows(IllegalStateException.class, () -> work.call(() -> {
                throw bug;
            })));
            MDC.put("photoId", "p-1");
            try {
                assertEquals("p-1", work.call(() -> MDC.get("photoId")));
            } finally {
                MDC.remove("photoId");
            }
            assertEquals(null, work.call(() -> MDC.get("photoId")), "a thread reused keeps no earlier photo's context");
        }
    }

    @Test
    void anInterruptedCallerStillWaitsForTheWorkAndKeepsTheInterrupt() throws Exception {
        try (BackgroundWork work = new BackgroundWork(1, 10)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean finishedFirst = new AtomicBoolean();
            AtomicBoolean interruptKept = new AtomicBoolean();
            Thread caller = new Thread(() -> {
                try {
                    work.call(() -> {
                        started.countDown();
                        release.await();
                        finishedFirst.set(true);
                        return null;
                    });
                    interruptKept.set(Thread.currentThread().isInterrupted());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            caller.start();
            assertTrue(started.await(10, TimeUnit.SECONDS));
            caller.interrupt();
            caller.join(200);
            assertTrue(caller.isAlive(), "the caller returned while its work was still running");
            release.countDown();
            caller.join(10_000);
            assertTrue(finishedFirst.get());
            assertTrue(interruptKept.get());
        }
    }
}
