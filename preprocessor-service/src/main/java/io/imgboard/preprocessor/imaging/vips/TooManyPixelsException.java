package io.imgboard.preprocessor.imaging.vips;

/** An image whose header says it has more pixels than {@link LoadOptions#maxPixels()}, refused before its decode. */
public final class TooManyPixelsException extends RuntimeException {
    private final int width;
    private final int height;

    TooManyPixelsException(int width, int height) {
        super("image too large: " + width + "x" + height + " pixels");
        this.width = width;
        this.height = height;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }
}
