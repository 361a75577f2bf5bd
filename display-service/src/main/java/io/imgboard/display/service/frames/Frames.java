package io.imgboard.display.service.frames;

import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.Settings;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The named frames, kept like the display's settings: on the compacted {@code imgboard.settings}
 * topic, one section {@code frame:<name>} per frame (a tombstone deletes it), read back by every
 * instance. {@code default} (the frame at {@code /}) always exists; stored, it can carry a filter and
 * overrides like any other frame, and deleting it only drops those.
 */
@ApplicationScoped
public class Frames {
    public static final String DEFAULT = "default";
    public static final String SECTION_PREFIX = "frame:";
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    /** The change notice for every frame: the display's own settings changed. */
    private static final String ALL = "*";

    private final Settings settings;
    private final Map<String, FrameDefinition> defined = new ConcurrentHashMap<>();
    private final BroadcastProcessor<String> changes = BroadcastProcessor.create();
    private volatile Store store;

    /** Writes a frame (or its tombstone) and waits for the broker; set by the messaging side. */
    public interface Store {
        void save(FrameDefinition frame);

        void delete(String name);
    }

    Frames(Settings settings) {
        this.settings = settings;
        settings.onChange(next -> changed(ALL));
    }

    public void storeWith(Store store) {
        this.store = store;
    }

    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Whether the frames are known: the saved settings (which hold them) have been read. Before, a name
     * that is not known yet may still be a frame: a just-started display answers "not yet", never "no such frame".
     */
    public boolean areKnown() {
        return settings.isLoaded();
    }

    /**
     * Whether {@code name}, not found, may still turn out to be a frame: the frames are not read yet and
     * it is a name a frame can have. The page, the stream and the window answer it "not yet" (503).
     */
    public boolean mayYetExist(String name) {
        return !areKnown() && validName(name);
    }

    /** The frame so named, if it exists ({@code default} always does). */
    public Optional<FrameDefinition> find(String name) {
        if (!validName(name)) {
            return Optional.empty();
        }
        FrameDefinition frame = defined.get(name);
        return frame != null || !DEFAULT.equals(name) ? Optional.ofNullable(frame) : Optional.of(FrameDefinition.empty(DEFAULT));
    }

    /** Every frame, {@code default} first, then by name. */
    public List<FrameDefinition> all() {
        List<FrameDefinition> all = new ArrayList<>();
        all.add(find(DEFAULT).orElseThrow());
        defined.keySet().stream().filter(name -> !DEFAULT.equals(name)).sorted().forEach(name -> {
            FrameDefinition frame = defined.get(name);
            if (frame != null) {
                all.add(frame);
            }
        });
        return all;
    }

    /**
     * The settings the frame at {@code /} runs with: the display's with the {@code default} frame's overrides.
     * img-board's API ({@code /api/admin/config}, {@code /api/events}) speaks of this one slideshow.
     */
    public FrameSettings defaultSettings() {
        return effective(find(DEFAULT).orElseThrow());
    }

    /** Calls {@code listener} with {@link #defaultSettings()} whenever the display's settings or the default frame change. */
    public void onDefaultChange(java.util.function.Consumer<FrameSettings> listener) {
        changes.subscribe().with(changed -> {
            if (ALL.equals(changed) || DEFAULT.equals(changed)) {
                listener.accept(defaultSettings());
            }
        });
    }

    /**
     * Drops these overrides of the {@code default} frame (its filter and other overrides stay), so that {@code /}
     * follows the display's settings for them again: img-board's API set them for the one slideshow it knows.
     */
    public void followDisplayFor(Set<String> keys) {
        FrameDefinition frame = defined.get(DEFAULT);
        if (frame == null || keys.stream().noneMatch(frame.settings()::containsKey)) {
            return;
        }
        Map<String, String> kept = new java.util.TreeMap<>(frame.settings());
        kept.keySet().removeAll(keys);
        save(new FrameDefinition(DEFAULT, kept, frame.filter()));
    }

    /** The settings {@code frame} runs with now. */
    public FrameSettings effective(FrameDefinition frame) {
        return frame.effective(settings.current());
    }

    /**
     * Stores a frame (blocking until the broker acknowledged it) and applies it here at once.
     *
     * @throws IllegalArgumentException when it is not valid, with the reason for a person
     * @throws IllegalStateException    when it could not be stored
     */
    public FrameDefinition save(FrameDefinition frame) {
        if (!validName(frame.name())) {
            throw new IllegalArgumentException("A frame name is 1 to 40 characters: a-z, 0-9 and '-', not starting with '-'.");
        }
        frame.validate().ifPresent(reason -> {
            throw new IllegalArgumentException(reason);
        });
        storeOrFail().save(frame);
        apply(frame.name(), frame);
        return frame;
    }

    /** Deletes a frame; false when there was none. */
    public boolean delete(String name) {
        if (!defined.containsKey(name)) {
            return false;
        }
        storeOrFail().delete(name);
        apply(name, null);
        return true;
    }

    private Store storeOrFail() {
        Store target = store;
        if (target == null) {
            throw new IllegalStateException("the frame store is not ready yet");
        }
        return target;
    }

    /** A frame read from the topic (this instance's or another's); null deletes it. */
    public void apply(String name, FrameDefinition frame) {
        FrameDefinition previous = frame == null ? defined.remove(name) : defined.put(name, frame);
        if (frame == null ? previous != null : !frame.equals(previous)) {
            Log.infof("frame %s %s", name, frame == null ? "deleted" : "now " + frame);
            changed(name);
        }
    }

    private synchronized void changed(String name) {
        changes.onNext(name);
    }

    /**
     * Frame {@code name} as it is now, then whenever its definition (filter, overrides) or the display's
     * settings change; for its stream, which sends new settings and, for another order or filter, a
     * fresh page.
     */
    public Multi<FrameDefinition> followDefinition(String name) {
        return Multi.createFrom().<FrameDefinition>emitter(emitter -> {
            Cancellable subscription;
            synchronized (this) {
                emitter.emit(definition(name));
                subscription = changes.subscribe().with(changed -> {
                    if (ALL.equals(changed) || name.equals(changed)) {
                        emitter.emit(definition(name));
                    }
                }, emitter::fail, emitter::complete);
            }
            emitter.onTermination(subscription::cancel);
        }, 16).emitOn(Infrastructure.getDefaultExecutor());
    }

    private FrameDefinition definition(String name) {
        return find(name).orElse(FrameDefinition.empty(name));
    }

}
