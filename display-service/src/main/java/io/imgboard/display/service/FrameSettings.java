package io.imgboard.display.service;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How frames show photos: the {@code frames} section of the compacted {@code imgboard.settings}
 * topic, as {@code SettingsChanged.values} (strings, so other services can read them without our
 * types). One record, checked once ({@link #validate}), so the admin API, img-board's config route
 * and the topic agree on what is valid.
 *
 * @param intervalMs          how long each photo is shown, ≥ 1000 ms (img-board's {@code slideshowInterval})
 * @param order               {@code shuffle}, {@code captured} (capture date) or {@code arrival}
 * @param reshuffleIntervalMs img-board's {@code reshuffleInterval}: 0 = send each change at once,
 *                            N = send the whole list every N ms, at most one year
 * @param transition          {@code none}, {@code fade} (through black) or {@code crossfade}
 * @param transitionMs        how long a transition takes, 0–10000 ms
 * @param fit                 {@code contain} (letterbox), {@code cover} (fill, crop) or {@code blur} (letterbox over a blurred fill)
 * @param showDate            overlay the capture date
 * @param showYearsAgo        overlay "N years ago"
 */
public record FrameSettings(long intervalMs, String order, long reshuffleIntervalMs, String transition,
                            long transitionMs, String fit, boolean showDate, boolean showYearsAgo) {

    public static final String SECTION = "frames";
    public static final List<String> ORDERS = List.of("shuffle", "captured", "arrival");
    public static final List<String> TRANSITIONS = List.of("none", "fade", "crossfade");
    public static final List<String> FITS = List.of("contain", "cover", "blur");
    public static final FrameSettings DEFAULTS = new FrameSettings(5000, "shuffle", 3_600_000, "crossfade", 1500,
            "contain", false, false);
    static final long MAX_INTERVAL_MS = 24L * 3600 * 1000;
    /**
     * One year, the most the admin page's form takes (31,536,000 s): a longer interval could be saved through
     * an API but never shown in the form, whose every later save would then fail. Here, so that the admin
     * API, img-board's config route and the named frames refuse it alike.
     */
    static final long MAX_RESHUFFLE_INTERVAL_MS = 365L * 24 * 3600 * 1000;

    /** The first thing wrong, in words a person understands; empty when the settings are usable. */
    public Optional<String> validate() {
        if (intervalMs < 1000) {
            return Optional.of("The interval must be at least 1 second (1000 ms).");
        }
        if (intervalMs > MAX_INTERVAL_MS) {
            return Optional.of("The interval can be at most 24 hours.");
        }
        if (!ORDERS.contains(order)) {
            return Optional.of("The order must be one of " + ORDERS + ".");
        }
        if (reshuffleIntervalMs < 0) {
            return Optional.of("The reshuffle interval cannot be negative (0 sends each change at once).");
        }
        if (reshuffleIntervalMs > MAX_RESHUFFLE_INTERVAL_MS) {
            return Optional.of("The reshuffle interval can be at most one year (" + MAX_RESHUFFLE_INTERVAL_MS + " ms).");
        }
        if (!TRANSITIONS.contains(transition)) {
            return Optional.of("The transition must be one of " + TRANSITIONS + ".");
        }
        if (transitionMs < 0 || transitionMs > 10_000) {
            return Optional.of("The transition must take between 0 and 10 seconds.");
        }
        if (!FITS.contains(fit)) {
            return Optional.of("The fit must be one of " + FITS + ".");
        }
        return Optional.empty();
    }

    public boolean randomOrder() {
        return "shuffle".equals(order);
    }

    public FrameSettings withIntervalMs(long value) {
        return new FrameSettings(value, order, reshuffleIntervalMs, transition, transitionMs, fit, showDate, showYearsAgo);
    }

    public FrameSettings withOrder(String value) {
        return new FrameSettings(intervalMs, value, reshuffleIntervalMs, transition, transitionMs, fit, showDate, showYearsAgo);
    }

    public FrameSettings withReshuffleIntervalMs(long value) {
        return new FrameSettings(intervalMs, order, value, transition, transitionMs, fit, showDate, showYearsAgo);
    }

    /** As stored on the topic. */
    public Map<String, String> toValues() {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("intervalMs", Long.toString(intervalMs));
        values.put("order", order);
        values.put("reshuffleIntervalMs", Long.toString(reshuffleIntervalMs));
        values.put("transition", transition);
        values.put("transitionMs", Long.toString(transitionMs));
        values.put("fit", fit);
        values.put("showDate", Boolean.toString(showDate));
        values.put("showYearsAgo", Boolean.toString(showYearsAgo));
        return values;
    }

    /**
     * Reads stored values leniently: a missing or unreadable value keeps its default, so a bad
     * record on the topic can never stop the display (img-board's B7), and the result is always valid.
     */
    public static FrameSettings fromValues(Map<String, String> values) {
        Map<String, String> v = values == null ? Map.of() : values;
        FrameSettings d = DEFAULTS;
        FrameSettings read = new FrameSettings(
                number(v.get("intervalMs"), d.intervalMs),
                v.getOrDefault("order", d.order),
                // kept before the limit was checked, a longer one is the longest: not a reason to drop every setting
                Math.min(number(v.get("reshuffleIntervalMs"), d.reshuffleIntervalMs), MAX_RESHUFFLE_INTERVAL_MS),
                v.getOrDefault("transition", d.transition),
                number(v.get("transitionMs"), d.transitionMs),
                v.getOrDefault("fit", d.fit),
                v.containsKey("showDate") ? Boolean.parseBoolean(v.get("showDate")) : d.showDate,
                v.containsKey("showYearsAgo") ? Boolean.parseBoolean(v.get("showYearsAgo")) : d.showYearsAgo);
        return read.validate().isEmpty() ? read : d;
    }

    private static long number(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
