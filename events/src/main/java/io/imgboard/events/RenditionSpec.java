package io.imgboard.events;

import java.util.regex.Pattern;

/**
 * One output size: fit inside {@code width}×{@code height}, never enlarge, keep the aspect ratio.
 *
 * <p>{@link #check} is the one rule for what a rendition may be, so that the ledger never saves a set
 * the preprocessor cannot make, and the display serves every name the preprocessor makes.
 *
 * @param name    e.g. {@code display}, {@code uhd}, {@code thumb}; the object is {@code <name>.webp}
 * @param quality WebP quality 1–100
 */
public record RenditionSpec(String name, int width, int height, int quality) {
    /** The largest box side: libwebp, and so libvips' WebP encoder, makes no image wider or taller. */
    public static final int MAX_SIDE = 16383;

    /**
     * The name is a path segment of the object key ({@link Rendition#keyFor}) and of the display's media
     * URL {@code /media/<photoId>/<name>.webp}: short, lower case, nothing a URL or a key would escape.
     */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    public static boolean isName(String candidate) {
        return candidate != null && NAME.matcher(candidate).matches();
    }

    /** @throws IllegalArgumentException naming the rendition and what is wrong with it */
    public void check() {
        if (!isName(name)) {
            throw new IllegalArgumentException("rendition name must be 1-32 of a-z, 0-9 and -, starting with a letter"
                    + " or digit (it is part of the photo's media URL), not '" + name + "'");
        }
        if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
            throw new IllegalArgumentException("rendition " + name + ": width and height must be 1-" + MAX_SIDE
                    + " (the largest WebP), not " + width + "x" + height);
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("rendition " + name + ": quality must be 1-100, not " + quality);
        }
    }
}
