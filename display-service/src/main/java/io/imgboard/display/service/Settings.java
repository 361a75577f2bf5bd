package io.imgboard.display.service;

import io.imgboard.display.config.DisplayConfig;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The frame settings in effect. The compacted {@code imgboard.settings} topic is their only store:
 * a change counts once the broker has acknowledged it, and every display instance (this one
 * included) applies what it reads back from the topic, also at start-up.
 *
 * <p>Writers run one at a time ({@link #exclusively}): each merges onto the result of the one before,
 * so no update is lost. The first writer waits until the settings saved before start-up have been
 * read ({@link #markLoaded}), so a change made right after a restart merges onto them, not onto the
 * defaults.
 */
@ApplicationScoped
public class Settings {
    /** The reason a change is refused when the saved settings are still unread; the caller may try again. */
    public static final String NOT_LOADED = "the saved settings are still being read from Kafka after a restart; "
            + "nothing was changed, try again in a moment";

    private final List<Consumer<FrameSettings>> listeners = new CopyOnWriteArrayList<>();
    private final ReentrantLock writers = new ReentrantLock(true);
    private final BroadcastProcessor<FrameSettings> changes = BroadcastProcessor.create();
    private final CompletableFuture<Void> loaded = new CompletableFuture<>();
    private final Duration loadTimeout;
    private volatile FrameSettings current = FrameSettings.DEFAULTS;

    @Inject
    Settings(DisplayConfig config) {
        this(config.settingsLoadTimeout());
    }

    public Settings(Duration loadTimeout) {
        this.loadTimeout = loadTimeout;
    }

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

    /** The settings saved before start-up have been read (the topic up to its end at assignment). */
    public void markLoaded() {
        if (loaded.complete(null)) {
            Log.infof("saved frame settings read: %s", current);
        }
    }

    public boolean isLoaded() {
        return loaded.isDone();
    }

    /**
     * Runs {@code work} while no other writer runs, once the saved settings have been read.
     *
     * @throws IllegalStateException ({@link #NOT_LOADED}) when they are still unread after the load timeout
     */
    public <T> T exclusively(Supplier<T> work) {
        awaitLoaded();
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

    /**
     * Waits (at most the load timeout) until the saved settings have been read; for readers whose
     * answer a person edits and saves back whole (the admin page, img-board's GET-edit-POST scripts).
     *
     * @throws IllegalStateException ({@link #NOT_LOADED}) when they are still unread
     */
    public void awaitLoaded() {
        if (loaded.isDone()) {
            return;
        }
        try {
            loaded.get(loadTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(NOT_LOADED);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(NOT_LOADED);
        } catch (ExecutionException e) {
            throw new IllegalStateException(NOT_LOADED, e.getCause());
        }
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
