package io.imgboard.events;

/**
 * One output size: fit inside {@code width}×{@code height}, never enlarge, keep the aspect ratio.
 *
 * @param name    e.g. {@code display}, {@code uhd}, {@code thumb}; the object is {@code <name>.webp}
 * @param quality WebP quality 1–100
 */
public record RenditionSpec(String name, int width, int height, int quality) {
}
