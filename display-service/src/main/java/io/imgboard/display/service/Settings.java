package io.imgboard.display.service;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The frame settings in effect. The compacted {@code imgboard.settings} topic is their only store:
 * a change counts once the broker has acknowledged it, and every display instance (this one
 * included) applies what it reads back from the topic, also at start-up.
 *
 * <p>Writers run one at a time ({@link #exclusively}): each merges onto the result of the one before,
 * so no update is lost.
 */
@ApplicationScoped
public class Settings {
    private final List<Consumer<FrameSettings>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock writers = new ReentrantLock(true);
    private final BroadcastProcessor<FrameSettings> changes = BroadcastProcessor.create();
    private volatile FrameSettings current = FrameSettings.DEFAULTS;

    /** Publishes settings and waits for the broker; set by the messaging side. */
    public interface Store {
        void save(FrameSettings settings);
    }

    private volatile Store store;

    public FrameSettings current() {
        return current;
    }

    public void storeWith(Store store) {
        this.store = store;
    }

    /** Listeners get every change of the effective settings; they must not block. */
    public void onChange(Consumer<FrameSettings> listener) {
        listeners.add(listener);
    }

    /** Runs {@code work} while no other writer runs. */
    public <T> T exclusively(Supplier<T> work) {
        writers.lock();
        try {
            return work.get();
        } finally {
            writers.unlock();
        }
    }

    /**
     * Stores valid settings (blocking until the broker acknowledged them) and applies them here at
     * once; the record read back changes nothing then.
     *
     * @throws IllegalArgumentException when they are not valid, with the reason for a person
     * @throws IllegalStateException    when they could not be stored
     */
    public FrameSettings save(FrameSettings next) {
        next.validate().ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        return exclusively(() -> {
            if (next.equals(current)) {
                return current;
            }
            Store target = store;
            if (target == null) {
                throw new IllegalStateException("the settings store is not ready yet");
            }
            target.save(next);
            apply(next);
            return next;
        });
    }

    /** Settings read from the topic (this instance's or another's). */
    public synchronized void apply(FrameSettings next) {
        FrameSettings previous = current;
        if (next.equals(previous)) {
            return;
        }
        current = next;
        Log.infof("frame settings now %s", next);
        listeners.forEach(listener -> listener.accept(next));
        changes.onNext(next);
    }

    /** The settings now, then every change; for a frame's stream. */
    public Multi<FrameSettings> follow() {
        return Multi.createFrom().<FrameSettings>emitter(emitter -> {
            Cancellable subscription;
            synchronized (this) {
                emitter.emit(current);
                subscription = changes.subscribe().with(emitter::emit, emitter::fail, emitter::complete);
            }
            emitter.onTermination(subscription::cancel);
        }, 16).emitOn(Infrastructure.getDefaultExecutor());
    }
}
