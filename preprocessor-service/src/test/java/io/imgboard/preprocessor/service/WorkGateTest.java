package io.imgboard.preprocessor.service;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who gets a turn at the imaging core, with the complete stage sharing the turns and with turns of its own. */
class WorkGateTest {

    /** Enters at {@code stage} on a thread of its own, notes its name when in, holds until released. */
    private static final class Photo {
        final CountDownLatch in = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        Photo(WorkGate gate, WorkGate.Stage stage, String name, List<String> entered) {
            Thread thread = new Thread(() -> {
                try (WorkGate.Turn turn = gate.enter(stage)) {
                    entered.add(name);
                    in.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, name);
            thread.setDaemon(true);
            thread.start();
        }

        boolean entered() throws InterruptedException {
            return in.await(10, TimeUnit.SECONDS);
        }
    }

    /** Waits (at most 10 s) until {@code count} photos wait for a turn at {@code stage}. */
    private static void untilWaiting(WorkGate gate, WorkGate.Stage stage, int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.waiting(stage) == count);
    }

    @Test
    void sharedTurnsAHeldCompleteStageKeepsTheNextEarlyStageWaiting() throws Exception {
        WorkGate gate = new WorkGate(1);
        List<String> entered = new CopyOnWriteArrayList<>();
        Photo uhd = new Photo(gate, WorkGate.Stage.COMPLETE, "complete A", entered);
        assertTrue(uhd.entered());
        Photo next = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
        untilWaiting(gate, WorkGate.Stage.EARLY, 1);
        assertEquals(List.of("complete A"), entered);
        uhd.release.countDown();
        assertTrue(next.entered());
        next.release.countDown();
    }

    @Test
    void turnsOfTheirOwnTheNextEarlyStageGoesPastCompleteStagesInProgress() throws Exception {
        WorkGate gate = new WorkGate(1, true, null);
        List<String> entered = new CopyOnWriteArrayList<>();
        Photo uhd = new Photo(gate, WorkGate.Stage.COMPLETE, "complete A", entered);
        assertTrue(uhd.entered());
        Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
        assertTrue(b.entered(), "an early stage waited for a complete stage running in the background");
        assertEquals(1, gate.held(WorkGate.Stage.COMPLETE));
        assertEquals(1, gate.held(WorkGate.Stage.EARLY));

        // Early stages still have `workers` turns, and a complete stage still waits while one of them waits.
        Photo c = new Photo(gate, WorkGate.Stage.EARLY, "early C", entered);
        untilWaiting(gate, WorkGate.Stage.EARLY, 1);
        uhd.release.countDown();
        Photo d = new Photo(gate, WorkGate.Stage.COMPLETE, "complete D", entered);
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.waiting(WorkGate.Stage.COMPLETE) == 1
                && gate.held(WorkGate.Stage.COMPLETE) == 0);
        assertEquals(List.of("complete A", "early B"), entered, "complete D went before the waiting early C");
        b.release.countDown();
        assertTrue(c.entered());
        assertTrue(d.entered());
        // C's turn comes first (D waited while C did, above); once C has it, D may go at once, and
        // which of the two threads notes its name first is up to the scheduler.
        assertEquals(List.of("complete A", "early B"), entered.subList(0, 2));
        assertEquals(java.util.Set.of("early C", "complete D"), java.util.Set.copyOf(entered.subList(2, 4)));
        c.release.countDown();
        d.release.countDown();
    }

    @Test
    void aTurnMovedOnToTheCompleteStageFreesTheEarlyTurn() throws Exception {
        WorkGate gate = new WorkGate(1, true, null);
        List<String> entered = new CopyOnWriteArrayList<>();
        try (WorkGate.Turn a = gate.enter(WorkGate.Stage.EARLY)) {
            Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
            untilWaiting(gate, WorkGate.Stage.EARLY, 1);
            Thread moving = new Thread(() -> a.next(WorkGate.Stage.COMPLETE));
            moving.start();
            assertTrue(b.entered(), "the early turn A gave up went to B");
            // A's complete stage waits for nobody now: no early stage waits and complete turns are free.
            moving.join(10_000);
            assertEquals(1, gate.held(WorkGate.Stage.COMPLETE));
            b.release.countDown();
        }
        assertEquals(0, gate.held(WorkGate.Stage.COMPLETE));
    }

    @Test
    void aCompleteStageBetweenPiecesOfWorkWaitsWhileAnEarlyStageRunsOrWaits() throws Exception {
        WorkGate gate = new WorkGate(1, true, null);
        List<String> entered = new CopyOnWriteArrayList<>();
        try (WorkGate.Turn uhd = gate.enter(WorkGate.Stage.COMPLETE)) {
            assertFalse(uhd.yieldToEarly(), "nobody early: at once"); // and it says it did not wait

            Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
            assertTrue(b.entered());
            CountDownLatch resumed = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean waited = new java.util.concurrent.atomic.AtomicBoolean();
            Thread pausing = new Thread(() -> {
                waited.set(uhd.yieldToEarly());
                resumed.countDown();
            }, "complete A between its decode and its encodes");
            pausing.setDaemon(true);
            pausing.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> gate.paused() == 1 || resumed.getCount() == 0);
            assertEquals(1, resumed.getCount(), "went on while early B ran");

            Photo c = new Photo(gate, WorkGate.Stage.EARLY, "early C", entered); // waits for B's turn
            untilWaiting(gate, WorkGate.Stage.EARLY, 1);
            b.release.countDown();
            assertTrue(c.entered());
            assertEquals(1, gate.paused(), "went on between early B and early C");
            assertEquals(1, resumed.getCount(), "went on while early C ran");
            c.release.countDown();
            assertTrue(resumed.await(10, TimeUnit.SECONDS), "still paused with no early stage left");
            assertTrue(waited.get());
            assertEquals(1, gate.held(WorkGate.Stage.COMPLETE), "a pause keeps the complete stage's turn");
        }
    }

    @Test
    void onlyATurnAtTheCompleteStagePauses() throws Exception {
        WorkGate gate = new WorkGate(1, true, null);
        try (WorkGate.Turn early = gate.enter(WorkGate.Stage.EARLY)) {
            // An early stage that paused would wait for itself.
            assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                return early.yieldToEarly();
            }));
        }
    }

    @Test
    void sharedTurnsACompleteStageDoesNotPause() throws Exception {
        WorkGate gate = new WorkGate(1);
        List<String> entered = new CopyOnWriteArrayList<>();
        try (WorkGate.Turn uhd = gate.enter(WorkGate.Stage.COMPLETE)) {
            Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
            untilWaiting(gate, WorkGate.Stage.EARLY, 1);
            // B waits for the turn this complete stage holds: pausing here would never end.
            assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                return uhd.yieldToEarly();
            }));
            uhd.close();
            assertTrue(b.entered());
            b.release.countDown();
        }
    }

    @Test
    void aPausedCompleteStageGoesOnBesideEarlyStagesOnceItsPatienceIsSpent() throws Exception {
        Duration patience = Duration.ofMillis(300);
        WorkGate gate = new WorkGate(1, true, patience);
        List<String> entered = new CopyOnWriteArrayList<>();
        Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
        assertTrue(b.entered());
        try (WorkGate.Turn uhd = gate.enter(WorkGate.Stage.COMPLETE)) { // no early stage waits: at once
            long pausedAt = System.nanoTime();
            boolean waited = assertTimeoutPreemptively(Duration.ofSeconds(10), uhd::yieldToEarly);
            long elapsed = System.nanoTime() - pausedAt;
            assertTrue(waited, "paused while early B ran");
            assertTrue(elapsed >= patience.toNanos(), "went on after " + elapsed / 1_000_000 + " ms");
            assertEquals(1, gate.held(WorkGate.Stage.EARLY), "early B still runs");
            assertEquals(1, gate.impatient());
            // Spent is spent: the next pause of the same stage does not wait for B, and is not counted again.
            assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(10), uhd::yieldToEarly));
            assertEquals(1, gate.impatient());
            b.release.countDown();
        }
    }

    @Test
    void aCompleteStageStartsPastWaitingEarlyStagesOnceItsPatienceIsSpent() throws Exception {
        Duration patience = Duration.ofMillis(300);
        WorkGate gate = new WorkGate(1, true, patience);
        List<String> entered = new CopyOnWriteArrayList<>();
        Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
        assertTrue(b.entered());
        Photo c = new Photo(gate, WorkGate.Stage.EARLY, "early C", entered); // waits for B's turn
        untilWaiting(gate, WorkGate.Stage.EARLY, 1);
        long asked = System.nanoTime();
        Photo d = new Photo(gate, WorkGate.Stage.COMPLETE, "complete D", entered);
        assertTrue(d.entered(), "complete D still waited with its patience spent");
        assertTrue(System.nanoTime() - asked >= patience.toNanos(), "complete D went before its patience was spent");
        assertEquals(1, gate.waiting(WorkGate.Stage.EARLY), "early C still waits for B's turn");
        assertEquals(List.of("early B", "complete D"), entered);
        assertEquals(1, gate.impatient());
        b.release.countDown();
        assertTrue(c.entered());
        c.release.countDown();
        d.release.countDown();
    }

    @Test
    void waitingBehindAnotherCompleteStageIsNotGivingWay() throws Exception {
        Duration patience = Duration.ofMillis(300);
        WorkGate gate = new WorkGate(1, true, patience);
        List<String> entered = new CopyOnWriteArrayList<>();
        Photo a = new Photo(gate, WorkGate.Stage.COMPLETE, "complete A", entered);
        assertTrue(a.entered());
        Photo d = new Photo(gate, WorkGate.Stage.COMPLETE, "complete D", entered); // behind A, no early stage anywhere
        untilWaiting(gate, WorkGate.Stage.COMPLETE, 1);
        long from = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - from > 3 * patience.toNanos());
        assertFalse(gate.firstCompleteOverdue(), "waiting behind complete A was counted as giving way");
        // Once an early stage waits, D gives way to it, and after its patience goes past it.
        Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
        assertTrue(b.entered());
        Photo c = new Photo(gate, WorkGate.Stage.EARLY, "early C", entered);
        untilWaiting(gate, WorkGate.Stage.EARLY, 1);
        a.release.countDown();
        assertTrue(d.entered());
        assertEquals(1, gate.waiting(WorkGate.Stage.EARLY), "early C still waits for B's turn");
        assertEquals(1, gate.impatient());
        b.release.countDown();
        assertTrue(c.entered());
        c.release.countDown();
        d.release.countDown();
    }

    @Test
    void aTurnMovedOnToTheCompleteStageGivesWayAndRunsOutOfPatienceThere() throws Exception {
        Duration patience = Duration.ofMillis(300);
        WorkGate gate = new WorkGate(1, true, patience);
        List<String> entered = new CopyOnWriteArrayList<>();
        try (WorkGate.Turn turn = gate.enter(WorkGate.Stage.EARLY)) {
            Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
            untilWaiting(gate, WorkGate.Stage.EARLY, 1);
            // The time given way counts from next(): while B has not yet taken the turn given up, the
            // complete turn waits for it, and that wait is part of the patience.
            long askedAt = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> turn.next(WorkGate.Stage.COMPLETE));
            assertTrue(b.entered());
            assertTrue(assertTimeoutPreemptively(Duration.ofSeconds(10), turn::yieldToEarly));
            assertTrue(System.nanoTime() - askedAt >= patience.toNanos(), "went on before its patience was spent");
            assertEquals(1, gate.held(WorkGate.Stage.EARLY), "early B still runs");
            assertEquals(1, gate.impatient());
            b.release.countDown();
        }
    }

    @Test
    void sharedTurnsACompleteStageOutOfPatienceTakesTheNextTurnBeforeEarlyStages() throws Exception {
        WorkGate gate = new WorkGate(1, false, Duration.ofMillis(300));
        List<String> entered = new CopyOnWriteArrayList<>();
        Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
        assertTrue(b.entered());
        Photo d = new Photo(gate, WorkGate.Stage.COMPLETE, "complete D", entered);
        untilWaiting(gate, WorkGate.Stage.COMPLETE, 1);
        Photo c = new Photo(gate, WorkGate.Stage.EARLY, "early C", entered);
        untilWaiting(gate, WorkGate.Stage.EARLY, 1);
        await().atMost(Duration.ofSeconds(10)).until(gate::firstCompleteOverdue); // D gave way to C long enough
        b.release.countDown();
        assertTrue(d.entered(), "the turn B gave up went to the early stage that came after complete D");
        assertEquals(List.of("early B", "complete D"), entered);
        d.release.countDown();
        assertTrue(c.entered());
        c.release.countDown();
        assertEquals(1, gate.impatient());
    }

    @Test
    void withoutPatienceSpentEarlyStagesStillGoFirst() throws Exception {
        WorkGate gate = new WorkGate(1, false, Duration.ofMinutes(10));
        List<String> entered = new CopyOnWriteArrayList<>();
        Photo b = new Photo(gate, WorkGate.Stage.EARLY, "early B", entered);
        assertTrue(b.entered());
        Photo d = new Photo(gate, WorkGate.Stage.COMPLETE, "complete D", entered);
        untilWaiting(gate, WorkGate.Stage.COMPLETE, 1);
        Photo c = new Photo(gate, WorkGate.Stage.EARLY, "early C", entered);
        untilWaiting(gate, WorkGate.Stage.EARLY, 1);
        b.release.countDown();
        assertTrue(c.entered());
        assertEquals(List.of("early B", "early C"), entered);
        c.release.countDown();
        assertTrue(d.entered());
        d.release.countDown();
        assertEquals(0, gate.impatient());
    }

    @Test
    void aPatienceLongerThanNanosecondsCanCountMeansNoBound() {
        WorkGate gate = new WorkGate(1, true, Duration.ofDays(365 * 1000L));
        assertFalse(gate.firstCompleteOverdue());
    }
}
