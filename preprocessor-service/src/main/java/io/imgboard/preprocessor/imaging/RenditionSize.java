package io.imgboard.preprocessor.imaging;

import io.imgboard.events.RenditionSpec;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One output: fit inside {@code maxWidth}×{@code maxHeight}, never enlarge, keep the aspect ratio,
 * encode as WebP at {@code quality}. Written {@code name=WxH@Q}, e.g. {@code display=1920x1080@82}.
 */
public record RenditionSize(String name, int maxWidth, int maxHeight, int quality) {
    private static final Pattern TEXT = Pattern.compile("\\s*([^=\\s]+)\\s*=\\s*(\\d+)\\s*[xX×]\\s*(\\d+)\\s*@\\s*(\\d+)\\s*");

    /** Checked by the rule the ledger checks a rendition set by before it saves it ({@link RenditionSpec#check}). */
    public RenditionSize {
        new RenditionSpec(name, maxWidth, maxHeight, quality).check();
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
