package io.imgboard.preprocessor.imaging;

/** A width and a height in pixels. */
public record Dimensions(int width, int height) {

    /**
     * Fit {@code width}×{@code height} inside {@code boxWidth}×{@code boxHeight} keeping the aspect
     * ratio, never enlarging. The limiting side gets the box size exactly; the other is rounded.
     */
    public static Dimensions fitInside(int width, int height, int boxWidth, int boxHeight) {
        if (width <= boxWidth && height <= boxHeight) {
            return new Dimensions(width, height);
        }
        if ((long) boxWidth * height <= (long) boxHeight * width) {
            // width limits
            return new Dimensions(boxWidth, (int) Math.max(1, Math.round((double) height * boxWidth / width)));
        }
        return new Dimensions((int) Math.max(1, Math.round((double) width * boxHeight / height)), boxHeight);
    }

    public long pixels() {
        return (long) width * height;
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
