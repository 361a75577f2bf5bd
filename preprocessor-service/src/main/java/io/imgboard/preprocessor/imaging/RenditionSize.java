package io.imgboard.preprocessor.imaging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One output: fit inside {@code maxWidth}×{@code maxHeight}, never enlarge, keep the aspect ratio,
 * encode as WebP at {@code quality}. Written {@code name=WxH@Q}, e.g. {@code display=1920x1080@82}.
 */
public record RenditionSize(String name, int maxWidth, int maxHeight, int quality) {
    /** WebP cannot be larger than this in either direction. */
    public static final int WEBP_MAX_DIMENSION = 16383;

    /**
     * The names the display serves ({@code [a-z0-9-]{1,32}} in its rendition URLs), starting with a
     * letter or digit. No {@code _}: a rendition made under such a name could never be shown.
     */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern TEXT = Pattern.compile("\\s*([^=\\s]+)\\s*=\\s*(\\d+)\\s*[xX×]\\s*(\\d+)\\s*@\\s*(\\d+)\\s*");

    public RenditionSize {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("rendition name must be 1–32 of a-z 0-9 - (lower case, starting with "
                    + "a letter or digit; the display serves no other names), was '" + name + "'");
        }
        if (maxWidth < 1 || maxHeight < 1 || maxWidth > WEBP_MAX_DIMENSION || maxHeight > WEBP_MAX_DIMENSION) {
            throw new IllegalArgumentException("rendition " + name + ": size must be 1–" + WEBP_MAX_DIMENSION
                    + " in each direction, was " + maxWidth + "x" + maxHeight);
        }
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("rendition " + name + ": quality must be 1–100, was " + quality);
        }
    }

    /** Parses {@code name=WxH@Q}. */
    public static RenditionSize parse(String text) {
        Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("rendition must look like name=WIDTHxHEIGHT@QUALITY "
                    + "(e.g. display=1920x1080@82), was '" + text + "'");
        }
        try {
            return new RenditionSize(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("rendition numbers out of range in '" + text + "'");
        }
    }

    /** The size an upright {@code width}×{@code height} image gets: inside the box, never larger than itself. */
    public Dimensions fit(int width, int height) {
        return Dimensions.fitInside(width, height, maxWidth, maxHeight);
    }

    @Override
    public String toString() {
        return name + "=" + maxWidth + "x" + maxHeight + "@" + quality;
    }
}
