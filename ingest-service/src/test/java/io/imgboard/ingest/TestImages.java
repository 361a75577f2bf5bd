package io.imgboard.ingest;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/** Real images made with javax.imageio; noise from a seed, so each seed gives different bytes. */
public final class TestImages {
    private TestImages() {
    }

    public static byte[] jpeg(long seed) {
        return encode("jpg", seed);
    }

    public static byte[] png(long seed) {
        return encode("png", seed);
    }

    /** Any format javax.imageio writes: jpg, png, gif, bmp, tiff. */
    public static byte[] encode(String format, long seed) {
        int type = format.equals("gif") || format.equals("bmp") ? BufferedImage.TYPE_INT_RGB : BufferedImage.TYPE_3BYTE_BGR;
        BufferedImage image = new BufferedImage(48, 32, type);
        Random random = new Random(seed);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, random.nextInt(0xFFFFFF));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
