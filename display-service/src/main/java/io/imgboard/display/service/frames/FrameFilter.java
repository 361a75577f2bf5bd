package io.imgboard.display.service.frames;

import io.imgboard.display.service.PhotoView;
import io.imgboard.events.SourceIds;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which photos a named frame shows. Every part that is set must match; an empty filter matches all.
 *
 * @param sources   source ids ({@code folder:nas}, {@code upload:api}); a photo matches when it has an
 *                  origin in one of them. A bare name ({@code nas}) matches any kind of source so named
 * @param devices   device token ids; a photo matches when it came through one of them
 * @param from      first capture day (inclusive, the display's time zone); undated photos never match
 * @param to        last capture day (inclusive)
 * @param onThisDay only photos taken on today's month and day in earlier years
 */
public record FrameFilter(List<String> sources, List<String> devices, LocalDate from, LocalDate to, boolean onThisDay) {
    public static final FrameFilter NONE = new FrameFilter(List.of(), List.of(), null, null, false);
    static final int MAX_IDS = 100;

    public FrameFilter {
        sources = clean(sources);
        devices = clean(devices);
    }

    private static List<String> clean(List<String> ids) {
        return ids == null ? List.of() : ids.stream().filter(Objects::nonNull).map(String::strip)
                .filter(id -> !id.isEmpty()).distinct().toList();
    }

    /** The first thing wrong, in words a person understands. */
    public Optional<String> validate() {
        if (sources.size() > MAX_IDS || devices.size() > MAX_IDS) {
            return Optional.of("A filter can name at most " + MAX_IDS + " sources and " + MAX_IDS + " devices.");
        }
        if (from != null && to != null && from.isAfter(to)) {
            return Optional.of("The filter's \"from\" date (" + from + ") is after its \"to\" date (" + to + ").");
        }
        return Optional.empty();
    }

    public boolean matches(PhotoView photo, LocalDate today, ZoneId zone) {
        if (!sources.isEmpty() && photo.sourceIds().stream().noneMatch(this::sourceNamed)) {
            return false;
        }
        if (!devices.isEmpty() && photo.deviceIds().stream().noneMatch(devices::contains)) {
            return false;
        }
        if (from == null && to == null && !onThisDay) {
            return true;
        }
        LocalDate taken = photo.capturedDay(zone);
        if (taken == null) {
            return false;
        }
        if (from != null && taken.isBefore(from) || to != null && taken.isAfter(to)) {
            return false;
        }
        return !onThisDay || taken.getMonth() == today.getMonth() && taken.getDayOfMonth() == today.getDayOfMonth()
                && taken.getYear() < today.getYear();
    }

    private boolean sourceNamed(String sourceId) {
        return SourceIds.namesOf(sourceId).stream().anyMatch(sources::contains);
    }

    /**
     * Adds to the two sets the filter's source and device names this photo answers to (whatever its dates), so that
     * the names left out of them after a pass over the library are the ones no photo answers to: a typo, or a
     * source with nothing in it yet.
     */
    public void namesAnswered(PhotoView photo, Set<String> sourcesSeen, Set<String> devicesSeen) {
        for (String id : photo.sourceIds()) {
            SourceIds.namesOf(id).stream().filter(sources::contains).forEach(sourcesSeen::add);
        }
        for (String id : photo.deviceIds()) {
            if (devices.contains(id)) {
                devicesSeen.add(id);
            }
        }
    }
}
