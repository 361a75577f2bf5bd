package io.imgboard.preprocessor.service;

import java.util.ArrayDeque;

/**
 * Turns at the imaging core: {@code workers} photos are decoded and encoded at once, however many
 * requests are in hand. A photo's first stage (the one that makes its early rendition, or all of it
 * when it has none) is {@link Stage#EARLY}; the rest of a photo whose early rendition is out is
 * {@link Stage#COMPLETE}. A free turn goes to the longest-waiting early stage, and to a complete
 * stage only when no early stage waits: with several photos waiting, every one reaches the frames
 * before any one's larger renditions are made. First come, first served within a stage.
 */
final class WorkGate {
    enum Stage { EARLY, COMPLETE }

    private final ArrayDeque<Object> early = new ArrayDeque<>();
    private final ArrayDeque<Object> complete = new ArrayDeque<>();
    private int free;

    WorkGate(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        this.free = workers;
    }

    /** Waits for a turn at {@code stage}; the turn is held until {@link Turn#close()}. */
    Turn enter(Stage stage) {
        acquire(stage);
        return new Turn();
    }

    private synchronized void acquire(Stage stage) {
        Object me = new Object();
        ArrayDeque<Object> queue = stage == Stage.EARLY ? early : complete;
        queue.addLast(me);
        try {
            while (free == 0 || next() != me) {
                wait();
            }
        } catch (InterruptedException e) {
            queue.remove(me);
            notifyAll();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a turn at the imaging core", e);
        }
        queue.removeFirst();
        free--;
        notifyAll(); // the next in line may have a turn too
    }

    /** Photos waiting for a turn at {@code stage} (what a test waits for before it lets them go). */
    synchronized int waiting(Stage stage) {
        return (stage == Stage.EARLY ? early : complete).size();
    }

    private Object next() {
        return early.isEmpty() ? complete.peekFirst() : early.peekFirst();
    }

    private synchronized void release() {
        free++;
        notifyAll();
    }

    /** One photo's hold on the core. */
    final class Turn implements AutoCloseable {
        private boolean held = true;

        /** Gives the turn up and waits for one at {@code stage}: whoever waits at a higher stage goes first. */
        void next(Stage stage) {
            if (held) {
                held = false;
                release();
            }
            acquire(stage);
            held = true;
        }

        @Override
        public void close() {
            if (held) {
                held = false;
                release();
            }
        }
    }
}
