package io.imgboard.preprocessor.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Turns at the imaging core: {@code workers} photos are decoded and encoded at once, however many
 * requests are in hand. A photo's first stage (the one that makes its early rendition, or all of it
 * when it has none) is {@link Stage#EARLY}; the rest of a photo whose early rendition is out is
 * {@link Stage#COMPLETE}. A free turn goes to the longest-waiting early stage, and to a complete
 * stage only when no early stage waits (or its patience is spent, below): with several photos
 * waiting, every one reaches the frames before any one's larger renditions are made. First come,
 * first served within a stage.
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
 * <p>Giving way has a bound, the gate's {@code patience}: the time a complete stage has spent giving
 * way to early stages (waiting for its turn while an early stage waits, and paused while one runs or
 * waits; not the time it waits behind other complete stages, nor its own work) is added up, and once
 * it reaches the patience the stage gives way no more: with turns of their own it starts while early
 * stages wait and no longer pauses, in its own turns and at its own priority; sharing the turns, it
 * takes the next free one before the early stages waiting. A steady stream of new photos then delays
 * the larger renditions of each photo before it by about the patience (on top of its wait behind
 * other complete stages), never for as long as the stream lasts.
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

    /**
     * One photo at one stage: its place in a queue (compared by identity) and, at the complete stage,
     * how long it has given way to early stages. Read and written under the gate's lock.
     */
    private static final class Waiter {
        private long yielded;
        private long givingWaySince = -1;
        private boolean counted;

        /** Notes, at {@code now}, whether the stage gives way to early stages from here on. */
        void givingWay(boolean yes, long now) {
            if (yes && givingWaySince < 0) {
                givingWaySince = now;
            } else if (!yes && givingWaySince >= 0) {
                yielded += now - givingWaySince;
                givingWaySince = -1;
            }
        }

        long yielded(long now) {
            return yielded + (givingWaySince >= 0 ? now - givingWaySince : 0);
        }
    }

    /** Early and complete stages share {@code workers} turns; a complete stage waits as long as early stages come. */
    WorkGate(int workers) {
        this(workers, false, null);
    }

    /**
     * {@code separateTurns}: each stage has {@code workers} turns (the complete stage runs in the
     * background); {@code patience}: how long a complete stage gives way to early stages at most
     * (null, or longer than about 292 years: as long as they come).
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
        this.patienceNanos = patience == null || patience.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
                ? Long.MAX_VALUE : patience.toNanos();
    }

    /** Waits for a turn at {@code stage}; the turn is held until {@link Turn#close()}. */
    Turn enter(Stage stage) {
        Waiter me = new Waiter();
        acquire(stage, me);
        return new Turn(stage, me);
    }

    private synchronized void acquire(Stage stage, Waiter me) {
        ArrayDeque<Waiter> queue = stage == Stage.EARLY ? early : complete;
        queue.addLast(me);
        if (stage == Stage.EARLY) {
            notifyAll(); // complete stages waiting or paused now give way to this one
        }
        try {
            while (!mayStart(stage, me)) {
                if (stage == Stage.COMPLETE) {
                    me.givingWay(!early.isEmpty(), System.nanoTime());
                }
                waitUntilOverdue(stage == Stage.COMPLETE ? complete.peekFirst() : null);
            }
        } catch (InterruptedException e) {
            queue.remove(me);
            notifyAll();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a turn at the imaging core", e);
        }
        queue.removeFirst();
        if (stage == Stage.COMPLETE) {
            me.givingWay(false, System.nanoTime());
            if (!early.isEmpty()) {
                countImpatient(me); // only a complete stage out of patience starts while an early one waits
            }
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
        return waiter != null && waiter.yielded(System.nanoTime()) >= patienceNanos;
    }

    private void countImpatient(Waiter me) {
        if (!me.counted) {
            me.counted = true;
            impatient++;
        }
    }

    /**
     * {@link #wait()}, at most until {@code waiter} runs out of patience if it is giving way now
     * (null, not giving way, or already out of patience: until notified). Holding the lock; every
     * change that could let a waiter go, or make it give way, notifies.
     */
    private void waitUntilOverdue(Waiter waiter) throws InterruptedException {
        long left = waiter == null || waiter.givingWaySince < 0 || patienceNanos == Long.MAX_VALUE
                ? 0 : patienceNanos - waiter.yielded(System.nanoTime());
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
        if (!separateTurns || earlyHeld == 0 && early.isEmpty()) {
            return false;
        }
        if (overdue(me)) {
            countImpatient(me); // goes on beside them
            return false;
        }
        paused++;
        try {
            while ((earlyHeld > 0 || !early.isEmpty()) && !overdue(me)) {
                me.givingWay(true, System.nanoTime());
                waitUntilOverdue(me);
            }
            me.givingWay(false, System.nanoTime());
            if (earlyHeld > 0 || !early.isEmpty()) {
                countImpatient(me);
            }
            return true;
        } catch (InterruptedException e) {
            me.givingWay(false, System.nanoTime());
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a complete stage waited for early stages", e);
        } finally {
            paused--;
        }
    }

    /** Whether the complete stage first in line has spent its patience (what a test waits for). */
    synchronized boolean firstCompleteOverdue() {
        return overdue(complete.peekFirst());
    }

    /** Whether a complete stage's {@link Turn#yieldToEarly()} can wait at all: only when the stages have turns of their own. */
    boolean pauses() {
        return separateTurns;
    }

    /**
     * Complete stages that went on while early stages ran or waited, their patience spent (each
     * counted once, at its start or at the first pause it did not take).
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
        // this photo at its current stage (how long it has given way)
        private volatile Waiter waiter;

        private Turn(Stage stage, Waiter waiter) {
            this.stage = stage;
            this.waiter = waiter;
        }

        /**
         * Gives the turn up and waits for one at {@code next}: an early stage first, a complete one
         * when no early stage waits or its patience is spent; the time given way counts from here.
         */
        void next(Stage next) {
            if (held) {
                held = false;
                release(stage);
            }
            Waiter me = new Waiter();
            acquire(next, me);
            waiter = me;
            stage = next;
            held = true;
        }

        /**
         * Between two pieces of a complete stage's work: waits while any early stage runs or waits,
         * keeping this turn, until the time this stage has given way adds up to the gate's patience.
         * Does nothing unless the turn is held at {@link Stage#COMPLETE}.
         *
         * @return whether it waited
         */
        boolean yieldToEarly() {
            return held && stage == Stage.COMPLETE && awaitNoEarly(waiter);
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
