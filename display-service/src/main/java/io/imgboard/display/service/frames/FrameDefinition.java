package io.imgboard.display.service.frames;

import io.imgboard.display.service.FrameSettings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A named frame: the settings it overrides (field by field, over the display's settings, as stored
 * strings) and its filter.
 */
public record FrameDefinition(String name, Map<String, String> settings, FrameFilter filter) {

    public FrameDefinition {
        settings = settings == null ? Map.of() : Map.copyOf(new TreeMap<>(settings));
        filter = filter == null ? FrameFilter.NONE : filter;
    }

    public static FrameDefinition empty(String name) {
        return new FrameDefinition(name, Map.of(), FrameFilter.NONE);
    }

    /** The settings the frame runs with: {@code base} (the display's) with this frame's overrides. */
    public FrameSettings effective(FrameSettings base) {
        if (settings.isEmpty()) {
            return base;
        }
        Map<String, String> merged = new LinkedHashMap<>(base.toValues());
        merged.putAll(settings);
        return FrameSettings.fromValues(merged);
    }

    /**
     * What is wrong with the overrides and the filter, for a person; empty when the frame is usable.
     * Stricter than {@link FrameSettings#fromValues}, which falls back to defaults: a person who types
     * a wrong value hears about it instead of getting the default silently.
     */
    public Optional<String> validate() {
        Set<String> known = FrameSettings.DEFAULTS.toValues().keySet();
        for (Map.Entry<String, String> override : settings.entrySet()) {
            String key = override.getKey();
            String value = override.getValue();
            if (!known.contains(key)) {
                return Optional.of("\"" + key + "\" is not a frame setting; the settings are " + known + ".");
            }
            if (value == null) {
                return Optional.of("The setting \"" + key + "\" needs a value.");
            }
            String typed = FrameSettings.DEFAULTS.toValues().get(key);
            if (("true".equals(typed) || "false".equals(typed)) && !value.equals("true") && !value.equals("false")) {
                return Optional.of("The setting \"" + key + "\" must be true or false, not \"" + value + "\".");
            }
            if (key.endsWith("Ms") && !value.matches("-?[0-9]{1,12}")) {
                return Optional.of("The setting \"" + key + "\" must be a whole number of milliseconds, not \"" + value + "\".");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>(FrameSettings.DEFAULTS.toValues());
        merged.putAll(settings);
        // fromValues would fall back to the defaults; the raw merge says what is wrong.
        FrameSettings raw = new FrameSettings(Long.parseLong(merged.get("intervalMs")), merged.get("order"),
                Long.parseLong(merged.get("reshuffleIntervalMs")), merged.get("transition"),
                Long.parseLong(merged.get("transitionMs")), merged.get("fit"),
                Boolean.parseBoolean(merged.get("showDate")), Boolean.parseBoolean(merged.get("showYearsAgo")));
        Optional<String> wrong = raw.validate();
        if (wrong.isPresent()) {
            return wrong;
        }
        return filter.validate();
    }
}
