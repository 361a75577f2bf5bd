package io.imgboard.preprocessor.imaging;

/**
 * DCT perceptual hash (pHash): a 32×32 grey image, its 2-D DCT, the 8×8 lowest frequencies, one
 * bit per coefficient for "above the median". Re-encoding, resizing and mild colour changes move
 * few bits; different pictures differ in about half of them.
 */
public final class PerceptualHash {
    public static final int SIZE = 32;
    private static final int LOW = 8;
    private static final double[][] COS = new double[SIZE][SIZE];

    static {
        for (int u = 0; u < SIZE; u++) {
            for (int x = 0; x < SIZE; x++) {
                COS[u][x] = Math.cos((2 * x + 1) * u * Math.PI / (2 * SIZE));
            }
        }
    }

    private PerceptualHash() {
    }

    /** The hash of 32×32 grey pixels (row by row, one byte each), as 16 lowercase hex digits. */
    public static String of(byte[] grey) {
        if (grey.length != SIZE * SIZE) {
            throw new IllegalArgumentException("need " + SIZE * SIZE + " grey pixels, got " + grey.length);
        }
        double[][] rows = new double[SIZE][LOW];
        for (int y = 0; y < SIZE; y++) {
            for (int u = 0; u < LOW; u++) {
                double sum = 0;
                for (int x = 0; x < SIZE; x++) {
                    sum += (grey[y * SIZE + x] & 0xFF) * COS[u][x];
                }
                rows[y][u] = sum;
            }
        }
        double[] low = new double[LOW * LOW];
        for (int v = 0; v < LOW; v++) {
            for (int u = 0; u < LOW; u++) {
                double sum = 0;
                for (int y = 0; y < SIZE; y++) {
                    sum += rows[y][u] * COS[v][y];
                }
                low[v * LOW + u] = sum;
            }
        }
        double[] sorted = low.clone();
        java.util.Arrays.sort(sorted);
        double median = (sorted[31] + sorted[32]) / 2;
        long bits = 0;
        for (int i = 0; i < low.length; i++) {
            if (low[i] > median) {
                bits |= 1L << (63 - i);
            }
        }
        return String.format("%016x", bits);
    }

    /** How many of the 64 bits differ. */
    public static int distance(String a, String b) {
        return Long.bitCount(Long.parseUnsignedLong(a, 16) ^ Long.parseUnsignedLong(b, 16));
    }
}
