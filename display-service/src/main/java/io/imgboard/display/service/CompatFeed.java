package io.imgboard.display.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.service.frames.Frames;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * img-board's {@code /api/events} and {@code /api/images}: the same playlist as {@code /api/v1}, told
 * the way img-board's frames expect (IMG-BOARD-API.md, section 3).
 *
 * <ul>
 *   <li>{@code reshuffleInterval} 0: each change goes out at once as {@code add} / {@code remove}
 *       (a changed photo, e.g. its complete renditions after the early {@code display} one or a
 *       reprocess, keeps its name and sends nothing); N: every N ms one {@code reshuffle}
 *       with the whole list, the first N ms after start (or after the setting changed).</li>
 *   <li>A changed interval sends {@code config-update}; a changed {@code reshuffleInterval} restarts
 *       the timer at once, and N → 0 flushes one {@code reshuffle}.</li>
 *   <li>Every broadcast gets the next id and is kept (the last {@value #HISTORY}), so a frame that
 *       reconnects with {@code Last-Event-ID} gets what it missed, or one {@code reshuffle} when that is
 *       no longer kept or the id is from an earlier life of the display (ids start from its start time).</li>
 * </ul>
 */
@ApplicationScoped
public class CompatFeed {
    static final int HISTORY = 1000;

    /** One SSE event: {@code id} is null for {@code connected}, which is per connection. */
    public record Event(Long id, String name, String data) {
    }

    private final Playlist playlist;
    private final Frames frames;
    private final ObjectMapper json;
    private final BroadcastProcessor<Event> live = BroadcastProcessor.create();
    private final Deque<Event> history = new ArrayDeque<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "imgboard-reshuffle");
        thread.setDaemon(true);
        return thread;
    });
    /**
     * Ids start above this life's start time (ms × 1000), so an id a frame kept from an earlier life of the
     * display is below every id of this one: it gets a {@code reshuffle}, never another life's events after it.
     */
    private final long firstId = System.currentTimeMillis() * 1000;
    private long lastId = firstId;
    private long intervalMs;
    private long reshuffleMs;
    private ScheduledFuture<?> ticks;

    CompatFeed(Playlist playlist, Frames frames, ObjectMapper json) {
        this.playlist = playlist;
        this.frames = frames;
        this.json = json;
    }

    void start(@Observes StartupEvent start) {
        FrameSettings now = frames.defaultSettings();
        synchronized (this) {
            intervalMs = now.intervalMs();
            reshuffleMs = now.reshuffleIntervalMs();
            restartTimer();
        }
        playlist.onChange(this::onPlaylist);
        frames.onDefaultChange(this::onSettings);
    }

    void stop(@Observes ShutdownEvent stop) {
        timer.shutdownNow();
    }

    /** The names {@code /images} serves right now: shuffled, or capture time ascending (undated last), ties by name. */
    public List<String> list() {
        List<PhotoView> photos = playlist.read(ArrayList::new); // a copy under the lock, ordered outside it
        if (frames.defaultSettings().randomOrder()) {
            Collections.shuffle(photos);
        } else {
            photos.sort(PhotoView.OLDEST_FIRST);
        }
        return photos.stream().map(PhotoView::fileName).toList();
    }

    /**
     * A stream for one frame: {@code connected}, then what it missed since {@code lastEventId} (or one
     * {@code reshuffle} when that is gone), then every broadcast.
     */
    public Multi<Event> follow(String lastEventId, int bufferSize) {
        return Multi.createFrom().<Event>emitter(emitter -> {
            Long resumeAfter = parse(lastEventId);
            // Outside our lock: the playlist calls into us while holding its own.
            List<String> everything = resumeAfter == null ? null : list();
            Cancellable subscription;
            synchronized (this) {
                emitter.emit(new Event(null, "connected", "{}"));
                if (resumeAfter != null) {
                    if (resumeAfter >= firstId && resumeAfter <= lastId && (history.isEmpty() || history.peekFirst().id() <= resumeAfter + 1)) {
                        history.stream().filter(e -> e.id() > resumeAfter).forEach(emitter::emit);
                    } else {
                        emitter.emit(new Event(lastId, "reshuffle", write(Map.of("images", everything))));
                    }
                }
                subscription = live.subscribe().with(emitter::emit, emitter::fail, emitter::complete);
            }
            emitter.onTermination(subscription::cancel);
        }, bufferSize).emitOn(Infrastructure.getDefaultExecutor());
    }

    private void onPlaylist(PlaylistEvent event) {
        synchronized (this) {
            // The playlist tells a photo new to it (Added) from one it had (Updated: the complete result after the
            // early display rendition, a reprocess), and a photo keeps its name for life: img-board's frames
            // list a name from its add to its removal.
            if (event instanceof PlaylistEvent.Added added && reshuffleMs == 0) {
                broadcast("add", Map.of("filename", added.photo().fileName()));
            } else if (event instanceof PlaylistEvent.Removed removed && removed.fileName() != null && reshuffleMs == 0) {
                broadcast("remove", Map.of("filename", removed.fileName()));
            }
        }
    }

    private void onSettings(FrameSettings next) {
        boolean flush;
        synchronized (this) {
            if (next.intervalMs() != intervalMs) {
                intervalMs = next.intervalMs();
                broadcast("config-update", Map.of("slideshowInterval", intervalMs));
            }
            if (next.reshuffleIntervalMs() == reshuffleMs) {
                return;
            }
            flush = reshuffleMs > 0 && next.reshuffleIntervalMs() == 0;
            reshuffleMs = next.reshuffleIntervalMs();
            restartTimer();
        }
        if (flush) {
            timer.execute(this::reshuffle); // off the caller's thread, and after the settings are in place
        }
    }

    private void restartTimer() {
        if (ticks != null) {
            ticks.cancel(false);
            ticks = null;
        }
        if (reshuffleMs > 0) {
            ticks = timer.scheduleAtFixedRate(this::reshuffle, reshuffleMs, reshuffleMs, TimeUnit.MILLISECONDS);
        }
    }

    private void reshuffle() {
        try {
            List<String> images = list();
            synchronized (this) {
                broadcast("reshuffle", Map.of("images", images));
            }
        } catch (RuntimeException e) {
            Log.warnf("reshuffle failed: %s", e.getMessage()); // a thrown exception would end the schedule
        }
    }

    private void broadcast(String name, Object data) {
        Event event = new Event(++lastId, name, write(data));
        history.addLast(event);
        if (history.size() > HISTORY) {
            history.removeFirst();
        }
        live.onNext(event);
    }

    private String write(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Long parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(lastEventId.strip());
        } catch (NumberFormatException e) {
            return -1L; // not ours: the frame gets the whole list
        }
    }
}
