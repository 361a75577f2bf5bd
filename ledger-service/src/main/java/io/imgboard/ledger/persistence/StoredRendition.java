package io.imgboard.ledger.persistence;

/** One rendition as kept in {@code photo.renditions} (jsonb). */
public record StoredRendition(String name, String key, int width, int height, long bytes) {
}
