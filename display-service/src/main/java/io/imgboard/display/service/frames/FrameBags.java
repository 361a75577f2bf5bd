package io.imgboard.display.service.frames;

import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.PhotoView;
import io.imgboard.display.service.Playlist;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Each frame's shuffle bag: every photo of the frame once per round, in an order of its own, and where
 * the frame is in it. A window of the bag is computed when asked for, in one pass over the playlist
 * that keeps only the next {@code limit} photos, so a frame costs a few numbers ({@link BagState})
 * however large the library; the last window per frame is cached for reconnect storms.
 *
 * <p>Positions are stored on {@code imgboard.frame-bags} at most every {@link #PERSIST_EVERY} per
 * frame, and read back at start-up and from other instances (the later state wins), so reloads,
 * reconnects, restarts and other instances continue the same bag.
 */
@ApplicationScoped
public class FrameBags {
    public static final int MAX_WINDOW = 100;
    static final Duration PERSIST_EVERY = Duration.ofSeconds(3);
    private static final Comparator<Keyed> ORDER = Comparator.comparingLong(Keyed::key).thenComparing(k -> k.photo().photoId());

    /** Writes a frame's bag state (or deletes it with null); set by the messaging side. */
    public interface Store {
        void save(String frame, BagState state);
    }

    private record Keyed(long key, PhotoView photo) {
    }

    private record CacheKey(long playlistSeq, BagState state, int limit, LocalDate today, FrameDefinition frame,
                            FrameSettings settings) {
    }

    private record Cached(CacheKey key, FramePage page) {
    }

    /** A window, and how many photos the frame shows that joined after its round began. */
    private record Scan(FramePage page, int late) {
    }

    private final Playlist playlist;
    private final Clock clock;
    private final ZoneId zone = ZoneId.systemDefault();
    private final Map<String, BagState> states = new ConcurrentHashMap<>();
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final ScheduledExecutorService saver = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "imgboard-frame-bags");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Store store;

    @jakarta.inject.Inject
    FrameBags(Playlist playlist) {
        this(playlist, Clock.systemUTC());
    }

    FrameBags(Playlist playlist, Clock clock) {
        this.playlist = playlist;
        this.clock = clock;
    }

    public void storeWith(Store store) {
        this.store = store;
    }

    void start(@Observes StartupEvent start) {
        saver.scheduleWithFixedDelay(this::saveChanged, PERSIST_EVERY.toMillis(), PERSIST_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent stop) {
        saver.shutdownNow();
        saveChanged();
    }

    /**
     * The window a frame starts with: what follows its position. Runs under the playlist's lock
     * (see {@link Playlist#follow}), so {@code photos} is the state the stream's changes start from.
     */
    public FramePage page(FrameDefinition frame, FrameSettings settings, Collection<PhotoView> photos, int limit) {
        return page(frame, settings, photos, null, null, limit);
    }

    /**
     * {@link #page}, for a frame that says where it was ({@code shown}, the last photo it showed of the
     * round {@code bag} names: a reloaded page, a new tab): when that is still the bag's round and lies
     * ahead of the position the server has, the bag moves there first, so the page continues right after
     * it. Never backwards: the stream's URL, and so an old report, is reused by the browser's own retries.
     */
    public FramePage page(FrameDefinition frame, FrameSettings settings, Collection<PhotoView> photos, UUID shown,
                          String bag, int limit) {
        synchronized (this) {
            if (shown != null && bag != null) {
                BagState state = current(frame, settings);
                if (bag.equals(state.token())) {
                    PhotoView reported = playlist.photo(shown).orElse(null); // by id: photos are the playlist's
                    LocalDate today = LocalDate.ofInstant(clock.instant(), zone);
                    if (reported != null && member(frame, settings, state, reported, today)
                            && state.after(key(settings, state, reported), shown)) {
                        remember(frame.name(), state.at(key(settings, state, reported), shown, clock.instant()));
                    }
                }
            }
            return window(frame, settings, photos, null, null, limit);
        }
    }

    /** The basis a frame's bag is built for: another order or filter is another bag. */
    public static String basis(FrameDefinition frame, FrameSettings settings) {
        return settings.order() + " " + frame.filter();
    }

    /** The frame's bag, a fresh one when it has none for its order and filter. */
    private BagState current(FrameDefinition frame, FrameSettings settings) {
        String basis = basis(frame, settings);
        BagState state = states.get(frame.name());
        if (state == null || !state.basis().equals(basis)) {
            state = BagState.fresh(ThreadLocalRandom.current().nextLong(), basis, clock.instant());
            remember(frame.name(), state);
        }
        return state;
    }

    /**
     * What follows {@code after} in the frame's bag, recording {@code after} as its position (when it is
     * a photo of the bag's current round: a frame still showing the last round's photos reports
     * {@code round}, which then moves nothing). An empty rest of the round starts the next one.
     */
    public FramePage next(FrameDefinition frame, FrameSettings settings, UUID after, Long round, int limit) {
        return playlist.read(photos -> window(frame, settings, photos, after, round, limit));
    }

    private synchronized FramePage window(FrameDefinition frame, FrameSettings settings, Collection<PhotoView> photos,
                                          UUID after, Long round, int limit) {
        String name = frame.name();
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, zone);
        BagState state = current(frame, settings);
        if (after != null && (round == null || round == state.round())) {
            PhotoView reported = playlist.photo(after).orElse(null); // by id: photos are the playlist's
            if (reported != null && member(frame, settings, state, reported, today)) {
                BagState moved = state.at(key(settings, state, reported), after, now);
                if (!moved.equals(state)) {
                    state = moved;
                    remember(name, state);
                }
            }
        }
        CacheKey key = new CacheKey(playlist.seq(), state, limit, today, frame, settings);
        Cached cached = cache.get(name);
        if (cached != null && cached.key().equals(key)) {
            return cached.page();
        }
        Scan scan = scan(frame, settings, state, photos, limit, today);
        FramePage page = scan.page();
        if (limit > 0 && page.photos().isEmpty() && (page.total() > 0 || scan.late() > 0)) {
            // The round is over (or had nothing yet while photos came): the next one, reshuffled, from its start.
            state = state.nextRound(now);
            remember(name, state);
            page = scan(frame, settings, state, photos, limit, today).page();
            key = new CacheKey(playlist.seq(), state, limit, today, frame, settings);
        }
        cache.put(name, new Cached(key, page));
        return page;
    }

    private Scan scan(FrameDefinition frame, FrameSettings settings, BagState state, Collection<PhotoView> photos,
                           int limit, LocalDate today) {
        // The `limit` smallest keys after the cursor, in a heap whose head is the largest kept.
        PriorityQueue<Keyed> kept = new PriorityQueue<>(Math.max(1, limit), ORDER.reversed());
        int total = 0;
        int position = 0;
        int late = 0;
        for (PhotoView photo : photos) {
            if (!frame.filter().matches(photo, today, zone)) {
                continue;
            }
            if (!inRound(settings, state, photo)) {
                late++;
                continue;
            }
            total++;
            long key = key(settings, state, photo);
            if (!state.after(key, photo.photoId())) {
                position++;
                continue;
            }
            if (limit <= 0) {
                continue;
            }
            Keyed keyed = new Keyed(key, photo);
            if (kept.size() < limit) {
                kept.add(keyed);
            } else if (ORDER.compare(keyed, kept.peek()) < 0) {
                kept.poll();
                kept.add(keyed);
            }
        }
        List<Keyed> window = new ArrayList<>(kept);
        window.sort(ORDER);
        return new Scan(new FramePage(frame.name(), state.round(), total, position, window.stream().map(Keyed::photo).toList(),
                state.token()), late);
    }

    /** Whether the frame shows the photo, and it belongs to this round (it had joined when the round began). */
    boolean member(FrameDefinition frame, FrameSettings settings, BagState state, PhotoView photo, LocalDate today) {
        return frame.filter().matches(photo, today, zone) && inRound(settings, state, photo);
    }

    private static boolean inRound(FrameSettings settings, BagState state, PhotoView photo) {
        return !settings.randomOrder() || !photo.joinedAt().isAfter(state.roundStartedAt());
    }

    /**
     * What a frame shows now: how many photos its filter takes (whatever its round), and the source and device
     * names in its filter no photo answers to. A filter is saved as it is written (a source may get its first
     * photo later), so this is what tells a person that {@code nas2} was meant to be {@code nas}.
     */
    public record Reach(int photos, boolean filtered, List<String> unknownSources, List<String> unknownDevices) {
        /** In words for the admin; empty when the frame has photos and every name in its filter answers. */
        public List<String> notices() {
            List<String> notices = new ArrayList<>();
            unknownSources.forEach(name -> notices.add("No photo comes from a source called \"" + name + "\"."));
            unknownDevices.forEach(name -> notices.add("No photo comes from a device called \"" + name + "\"."));
            if (photos == 0 && notices.isEmpty()) {
                notices.add(filtered ? "No photo matches the filter now, so the frame shows none."
                        : "There is no photo to show yet.");
            }
            return notices;
        }
    }

    /** {@link Reach} of each frame, by name: one pass over the playlist for all of them. */
    public Map<String, Reach> reach(Collection<FrameDefinition> frames) {
        LocalDate today = LocalDate.now(clock.withZone(zone));
        List<FrameDefinition> all = List.copyOf(frames);
        int[] counts = new int[all.size()];
        List<Set<String>> sources = new ArrayList<>();
        List<Set<String>> devices = new ArrayList<>();
        all.forEach(frame -> {
            sources.add(new java.util.HashSet<>());
            devices.add(new java.util.HashSet<>());
        });
        playlist.read(photos -> {
            for (PhotoView photo : photos) {
                for (int i = 0; i < all.size(); i++) {
                    FrameFilter filter = all.get(i).filter();
                    if (filter.matches(photo, today, zone)) {
                        counts[i]++;
                    }
                    filter.namesAnswered(photo, sources.get(i), devices.get(i));
                }
            }
            return null;
        });
        Map<String, Reach> reach = new java.util.LinkedHashMap<>();
        for (int i = 0; i < all.size(); i++) {
            FrameFilter filter = all.get(i).filter();
            Set<String> seenSources = sources.get(i);
            Set<String> seenDevices = devices.get(i);
            reach.put(all.get(i).name(), new Reach(counts[i], !filter.equals(FrameFilter.NONE),
                    filter.sources().stream().filter(name -> !seenSources.contains(name)).toList(),
                    filter.devices().stream().filter(name -> !seenDevices.contains(name)).toList()));
        }
        return reach;
    }

    /** Whether a frame so defined shows this photo at all (for its live {@code add} events). */
    public boolean shows(FrameDefinition frame, PhotoView photo) {
        return frame.filter().matches(photo, LocalDate.now(clock.withZone(zone)), zone);
    }

    /**
     * Keys of undated photos in the order {@code captured} lie just below this, above every dated photo's key
     * (minus its epoch milliseconds: within ±3.2e16 for any year up to a million), so after all of them.
     */
    private static final long UNDATED = Long.MAX_VALUE / 2;

    /**
     * The photo's place in the bag's order: a seeded hash per round, or newest first by arrival, or by capture
     * (the photos without a date after every dated one, newest arrival first among them).
     */
    static long key(FrameSettings settings, BagState state, PhotoView photo) {
        return switch (settings.order()) {
            case "captured" -> photo.dated() ? -photo.sortTime().toEpochMilli() : UNDATED - photo.sortTime().toEpochMilli();
            case "arrival" -> -photo.joinedAt().toEpochMilli();
            default -> shuffleKey(state.seed(), state.round(), photo.photoId());
        };
    }

    /** A well-mixed 64-bit hash (MurmurHash3's finaliser, applied per input word). */
    static long shuffleKey(long seed, long round, UUID photoId) {
        long h = mix(seed ^ round * 0x9E3779B97F4A7C15L);
        h = mix(h ^ photoId.getMostSignificantBits());
        return mix(h ^ photoId.getLeastSignificantBits());
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ h >>> 33;
    }

    private void remember(String name, BagState state) {
        states.put(name, state);
        unsaved.add(name);
    }

    /** A state read from the topic (this instance's or another's): the later one wins; null deletes. */
    public synchronized void apply(String name, BagState state) {
        if (state == null) {
            states.remove(name);
            cache.remove(name);
            return;
        }
        BagState mine = states.get(name);
        if (mine == null || state.updatedAt().isAfter(mine.updatedAt())) {
            states.put(name, state);
        }
    }

    /** Forgets a deleted frame's bag, here and on the topic. */
    public void forget(String name) {
        apply(name, null);
        unsaved.remove(name);
        Store target = store;
        if (target != null) {
            try {
                target.save(name, null);
            } catch (RuntimeException e) {
                Log.warnf("could not delete the bag of frame %s: %s", name, e.getMessage());
            }
        }
    }

    /** The state of a frame's bag, if it has one yet. */
    public BagState state(String name) {
        return states.get(name);
    }

    void saveChanged() {
        Store target = store;
        if (target == null) {
            return;
        }
        for (String name : List.copyOf(unsaved)) {
            unsaved.remove(name);
            BagState state = states.get(name);
            if (state == null) {
                continue;
            }
            try {
                target.save(name, state);
            } catch (RuntimeException e) {
                unsaved.add(name);
                Log.warnf("could not store the bag of frame %s (tried again in %s): %s", name, PERSIST_EVERY, e.getMessage());
            }
        }
    }

    /** Saves what changed now (tests, shutdown). */
    public void flush() {
        saveChanged();
    }
}
