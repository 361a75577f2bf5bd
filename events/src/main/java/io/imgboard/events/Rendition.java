package io.imgboard.events;

/**
 * One stored WebP rendition.
 *
 * @param key   object key in the renditions bucket: {@code renditions/<photoId>/<name>.webp}
 * @param bytes size of the object
 */
public record Rendition(String name, String key, int width, int height, long bytes) {
}
