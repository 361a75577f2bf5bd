package io.imgboard.preprocessor.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Turns at the imaging core: {@code workers} photos are decoded and encoded at once, however many
 * requests are in hand. A photo's first stage (the one that makes its early rendition, or all of it
 * when it has none) is {@link Stage#EARLY}; the rest of a photo whose early rendition is out is
 * {@link Stage#COMPLETE}. A free turn goes to the longest-waiting early stage, and to a complete
 * stage only when no early stage waits: with several photos waiting, every one reaches the frames
 * before any one's larger renditions are made. First come, first served within a stage.
 *
 * <p>When complete stages run at background priority ({@link BackgroundWork}), each stage has
 * {@code workers} turns of its own: complete stages in progress take only the CPU that early
 * stages leave, so they must not hold the turns the next photo's early stage needs either (their
 * turns also last longer, niced). A complete stage still starts only when no early stage waits,
 * and every few ms of its work (between bands of rows and the encoder's steps: the work is paced on
 * its own thread) it pauses while any early stage runs or waits ({@link Turn#yieldToEarly()}): a
 * complete stage that kept going, even niced, would slow the next photo's early stage by a quarter
 * (two processes' measurement, the README's "Work that can wait"). An early stage holds its turn until
 * its early result is sent (the S3 write and the broker's acknowledgement included), and a photo
 * that cannot be split (a PNG, a HEIC, a small JPEG) is made whole at its early stage: complete
 * stages wait for those too.
 *
 * <p>Giving way has a bound, the gate's {@code patience}: a complete stage that has been waiting for
 * early stages (for its turn and in its pauses) that long since it asked for its turn goes on as if
 * none were there, still in its own turns and at its own priority. A steady stream of new photos
 * then delays the larger renditions of the photos before it by about that much, never for as long
 * as the stream lasts.
 */
final class WorkGate {
    enum Stage { EARLY, COMPLETE }

    private final int workers;
    private final boolean separateTurns;
    private final long patienceNanos;
    private final ArrayDeque<Waiter> early = new ArrayDeque<>();
    private final ArrayDeque<Waiter> complete = new ArrayDeque<>();
    private int earlyHeld;
    private int completeHeld;
    private int paused;
    private long impatient;

    /** One photo waiting for a turn, and since when its stage has been waiting ({@link System#nanoTime()}). */
    private record Waiter(long since) {
    }

    /** Early and complete stages share {@code workers} turns; a complete stage waits as long as early stages come. */
    WorkGate(int workers) {
        this(workers, false, null);
    }

    /**
     * {@code separateTurns}: each stage has {@code workers} turns (the complete stage runs in the
     * background); {@code patience}: how long a complete stage gives way to early stages at most
     * (null: as long as they come).
     */
    WorkGate(int workers, boolean separateTurns, Duration patience) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        if (patience != null && (patience.isNegative() || patience.isZero())) {
            throw new IllegalArgumentException("patience must be positive, was " + patience);
        }
        this.workers = workers;
        this.separateTurns = separateTurns;
        this.patienceNanos = patience == null ? Long.MAX_VALUE : patience.toNanos();
    }

    /** Waits for a turn at {@code stage}; the turn is held until {@link Turn#close()}. */
    Turn enter(Stage stage) {
        long since = System.nanoTime();
        acquire(stage, since);
        return new Turn(stage, since);
    }

    private synchronized void acquire(Stage stage, long since) {
        Waiter me = new Waiter(since);
        ArrayDeque<Waiter> queue = stage == Stage.EARLY ? early : complete;
        queue.addLast(me);
        try {
            while (!mayStart(stage, me)) {
                waitUntilOverdue(stage == Stage.COMPLETE ? complete.peekFirst() : null);
            }
        } catch (InterruptedException e) {
            queue.remove(me);
            notifyAll();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a turn at the imaging core", e);
        }
        queue.removeFirst();
        if (stage == Stage.COMPLETE && !early.isEmpty()) {
            impatient++; // only a complete stage out of patience starts while an early one waits
        }
        if (stage == Stage.EARLY) {
            earlyHeld++;
        } else {
            completeHeld++;
        }
        notifyAll(); // the next in line may have a turn too
    }

    private boolean mayStart(Stage stage, Waiter me) {
        Waiter firstComplete = complete.peekFirst();
        boolean completeFirst = early.isEmpty() || overdue(firstComplete);
        if (!separateTurns) {
            Waiter next = completeFirst ? firstComplete : early.peekFirst();
            return earlyHeld + completeHeld < workers && next == me;
        }
        if (stage == Stage.EARLY) {
            return earlyHeld < workers && early.peekFirst() == me;
        }
        return completeHeld < workers && completeFirst && firstComplete == me;
    }

    private boolean overdue(Waiter waiter) {
        return waiter != null && System.nanoTime() - waiter.since() >= patienceNanos;
    }

    /**
     * {@link #wait()}, at most until {@code waiter} runs out of patience (null, or already out of it:
     * until notified). Holding the lock.
     */
    private void waitUntilOverdue(Waiter waiter) throws InterruptedException {
        long left = waiter == null || patienceNanos == Long.MAX_VALUE
                ? 0 : patienceNanos - (System.nanoTime() - waiter.since());
        if (left > 0) {
            wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
        } else {
            wait();
        }
    }

    /**
     * Waits until no early stage runs or waits, or until {@code me}'s patience is spent, and says
     * whether it had to; returns at once when the stages share their turns
     * (a complete stage may then hold the turn an early stage waits for). Only through a turn held
     * at the complete stage ({@link Turn#yieldToEarly()}): an early stage waiting here would wait for itself.
     */
    private synchronized boolean awaitNoEarly(Waiter me) {
        if (!separateTurns || earlyHeld == 0 && early.isEmpty() || overdue(me)) {
            return false;
        }
        paused++;
        try {
            while ((earlyHeld > 0 || !early.isEmpty()) && !overdue(me)) {
                waitUntilOverdue(me);
            }
            if (overdue(me) && (earlyHeld > 0 || !early.isEmpty())) {
                impatient++;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a complete stage waited for early stages", e);
        } finally {
            paused--;
        }
    }

    /** Whether a complete stage's {@link Turn#yieldToEarly()} can wait at all: only when the stages have turns of their own. */
    boolean pauses() {
        return separateTurns;
    }

    /**
     * How many times a complete stage went on while early stages ran or waited because its patience
     * was spent (at its start or in a pause).
     */
    synchronized long impatient() {
        return impatient;
    }

    /** Complete stages pausing in {@link Turn#yieldToEarly()} now (what a test waits for). */
    synchronized int paused() {
        return paused;
    }

    /** Photos waiting for a turn at {@code stage} (what a test waits for before it lets them go). */
    synchronized int waiting(Stage stage) {
        return (stage == Stage.EARLY ? early : complete).size();
    }

    /** Turns held at {@code stage}. */
    synchronized int held(Stage stage) {
        return stage == Stage.EARLY ? earlyHeld : completeHeld;
    }

    private synchronized void release(Stage stage) {
        if (stage == Stage.EARLY) {
            earlyHeld--;
        } else {
            completeHeld--;
        }
        notifyAll();
    }

    /** One photo's hold on the core. */
    final class Turn implements AutoCloseable {
        // moved on by the photo's own thread, read by the thread its rest is handed to
        private volatile Stage stage;
        private volatile boolean held = true;
        // since when this photo's current stage has been waiting for its turn
        private volatile Waiter since;

        private Turn(Stage stage, long since) {
            this.stage = stage;
            this.since = new Waiter(since);
        }

        /** Gives the turn up and waits for one at {@code stage}: whoever waits at a higher stage goes first. */
        void next(Stage next) {
            if (held) {
                held = false;
                release(stage);
            }
            long now = System.nanoTime();
            acquire(next, now);
            since = new Waiter(now);
            stage = next;
            held = true;
        }

        /**
         * Between two pieces of a complete stage's work: waits while any early stage runs or waits,
         * keeping this turn, until the gate's patience since this stage asked for its turn is spent.
         * Does nothing unless the turn is held at {@link Stage#COMPLETE}.
         *
         * @return whether it waited
         */
        boolean yieldToEarly() {
            return held && stage == Stage.COMPLETE && awaitNoEarly(since);
        }

        @Override
        public void close() {
            if (held) {
                held = false;
                release(stage);
            }
        }
    }
}
