package io.imgboard.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** The current settings of one section (e.g. {@code frames}), keyed by section on the compacted {@link Topics#SETTINGS}. */
public record SettingsChanged(
        UUID eventId,
        Instant occurredAt,
        String section,
        Map<String, String> values) {
}
