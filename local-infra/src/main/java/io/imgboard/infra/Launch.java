package io.imgboard.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Everything one launch has started, and how to stop each, so that a stop at any moment (Ctrl-C
 * during start-up included) leaves nothing behind.
 *
 * <p>Create it and register its {@link #close} as the shutdown path before starting anything.
 * Each start runs through {@link #start}: its stop action is registered first, and the start runs
 * under that entry's lock, so a concurrent {@link #close} waits for a start in flight (a
 * {@code pg_ctl start} that has not yet written its pid, a fork that has not yet returned) and
 * then stops what it made. Once closed, nothing more starts. Stops run in reverse order of first
 * start: services before the Kafka, PostgreSQL and S3 server they use.
 */
public final class Launch implements AutoCloseable {
    /** How to stop one thing; {@code clean} is false for throwaway state (tests): kill at once. */
    public interface Stop {
        void stop(boolean clean);
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        volatile Stop stop;
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final boolean clean;
    private volatile boolean closed;
    private final ReentrantLock closing = new ReentrantLock();

    public Launch(boolean clean) {
        this.clean = clean;
    }

    public boolean closed() {
        return closed;
    }

    public boolean clean() {
        return clean;
    }

    /**
     * Starts {@code name} (or starts it again: the entry keeps its place in the stop order) with
     * {@code stop} registered before the start begins. Throws {@link Stopped} once closed.
     */
    public <T> T start(String name, Stop stop, Supplier<T> starter) {
        Entry entry;
        synchronized (entries) {
            if (closed) {
                throw new Stopped();
            }
            entry = entries.computeIfAbsent(name, n -> new Entry());
            entry.lock.lock();
            entry.stop = stop;
        }
        try {
            return starter.get();
        } finally {
            entry.lock.unlock();
        }
    }

    /** Stops one entry now (it stays registered: a restart reuses its place). */
    public void stopOne(String name) {
        Entry entry;
        synchronized (entries) {
            entry = entries.get(name);
        }
        if (entry != null) {
            entry.lock.lock();
            try {
                entry.stop.stop(clean);
            } finally {
                entry.lock.unlock();
            }
        }
    }

    /** Stops everything, newest first; idempotent, and safe to call from a shutdown hook while a start runs. */
    @Override
    public void close() {
        closing.lock();
        try {
            List<Entry> reversed;
            synchronized (entries) {
                closed = true;
                reversed = new ArrayList<>(entries.values());
                entries.clear();
            }
            java.util.Collections.reverse(reversed);
            for (Entry entry : reversed) {
                entry.lock.lock(); // waits for a start in flight
                try {
                    entry.stop.stop(clean);
                } catch (RuntimeException e) {
                    System.err.println("imgboard: " + e.getMessage());
                } finally {
                    entry.lock.unlock();
                }
            }
        } finally {
            closing.unlock();
        }
    }

    /** Thrown by {@link #start} once the launch is stopping: the caller's work is moot, not failed. */
    public static final class Stopped extends InfraException {
        public Stopped() {
            super("stopped");
        }
    }
}
