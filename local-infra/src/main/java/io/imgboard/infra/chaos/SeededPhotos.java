package io.imgboard.infra.chaos;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;

/**
 * The chaos run's photos: about one megapixel each, the same bytes for the same seed and index, and
 * different enough from each other that the ledger's near-duplicate check (perceptual hash) never
 * takes two of them for one photo — large random shapes in random colours, not small variations.
 */
final class SeededPhotos {
    static final int WIDTH = 1152;
    static final int HEIGHT = 864;

    private SeededPhotos() {
    }

    static String name(long seed, int index) {
        return String.format("chaos-%d-%04d.jpg", seed, index);
    }

    static byte[] jpeg(long seed, int index) {
        Random random = new Random(seed * 1_000_003L + index);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, colour(random), WIDTH, HEIGHT, colour(random)));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            for (int i = 0; i < 6; i++) {
                g.setColor(colour(random));
                int w = 150 + random.nextInt(500);
                int h = 150 + random.nextInt(400);
                int x = random.nextInt(WIDTH - w / 2);
                int y = random.nextInt(HEIGHT - h / 2);
                if (random.nextBoolean()) {
                    g.fillOval(x, y, w, h);
                } else {
                    g.fillRect(x, y, w, h);
                }
            }
            for (int i = 0; i < 60; i++) { // fine detail, so the file is photo-sized rather than flat
                g.setColor(colour(random));
                g.fillOval(random.nextInt(WIDTH), random.nextInt(HEIGHT), 5 + random.nextInt(40), 5 + random.nextInt(40));
            }
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 64));
            g.drawString("#" + index + " / seed " + seed, 40, HEIGHT - 60);
        } finally {
            g.dispose();
        }
        return encode(image);
    }

    private static Color colour(Random random) {
        return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
    }

    private static byte[] encode(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 * 1024);
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.88f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
