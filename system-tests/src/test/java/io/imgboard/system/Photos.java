package io.imgboard.system;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test photos made the way a camera stores them, and the facts a person would check in the output. */
final class Photos {
    private Photos() {
    }

    /**
     * A 4032×3024 JPEG as an iPhone stores a portrait shot: pixels landscape, EXIF Orientation 6
     * ("rotate 90° clockwise to view"). The stored top-left quarter is bright red, so after the
     * rotation the red quarter must be at the top RIGHT of what a person sees.
     */
    static Path iphonePortrait(Path dir, String name, long seed) throws IOException, InterruptedException {
        BufferedImage image = new BufferedImage(4032, 3024, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        java.util.Random random = new java.util.Random(seed);
        g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(80), 90, 160), 4032, 3024,
                new Color(30, 160 + random.nextInt(60), 90)));
        g.fillRect(0, 0, 4032, 3024);
        g.setColor(new Color(230, 20, 20));
        g.fillRect(0, 0, 2016, 1512);
        for (int i = 0; i < 40; i++) { // some detail, so the file is photo-sized rather than flat
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.fillOval(2100 + random.nextInt(1800), 1600 + random.nextInt(1300), 40 + random.nextInt(200), 40 + random.nextInt(200));
        }
        g.dispose();
        Path file = dir.resolve(name);
        Files.write(file, jpeg(image, 0.9f));
        run("exiftool", "-q", "-overwrite_original", "-n", "-Orientation=6", "-Make=Apple", "-Model=iPhone 15",
                "-DateTimeOriginal=2026:08:01 12:42:07", "-GPSLatitude=48.8584", "-GPSLatitudeRef=N",
                "-GPSLongitude=2.2945", "-GPSLongitudeRef=E", file.toString());
        return file;
    }

    /**
     * A 4032×3024 (12 MP) JPEG without metadata whose picture is its seed's own: a dozen large blocks
     * of colour at places the seed chooses, so two seeds never make twins (their perceptual hashes differ).
     */
    static Path shapes(Path dir, String name, long seed) throws IOException {
        return shapes(dir, name, seed, 0.9f);
    }

    /** The same picture at another JPEG quality: other bytes, the same shot (a twin). */
    static Path shapes(Path dir, String name, long seed, float quality) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, jpeg(blocks(4032, 3024, 12, seed), quality));
        return file;
    }

    /** {@code count} blocks of colour, each at least a seventh of the picture wide, where {@code seed} puts them. */
    private static BufferedImage blocks(int width, int height, int count, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < count; i++) {
            g.setColor(new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256)));
            g.fillRect(random.nextInt(width * 5 / 6), random.nextInt(height * 5 / 6), width / 7 + random.nextInt(width / 2),
                    height / 6 + random.nextInt(height / 2));
        }
        g.dispose();
        return image;
    }

    /**
     * A 1600×1200 HEIC, as iPhones send them: a picture of coloured blocks (its seed's own) encoded by
     * libheif's {@code heif-enc}, which {@code ./imgboard test} installs for the preprocessor's tests.
     */
    static Path heic(Path dir, String name, long seed) throws IOException, InterruptedException {
        Path png = dir.resolve(name + ".png");
        javax.imageio.ImageIO.write(blocks(1600, 1200, 8, seed), "png", png.toFile());
        Path file = dir.resolve(name);
        Process encode = new ProcessBuilder("heif-enc", "-q", "80", "-o", file.toString(), png.toString())
                .redirectErrorStream(true).start();
        String output = new String(encode.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (encode.waitFor() != 0 || !Files.isRegularFile(file)) {
            throw new IOException("heif-enc could not make " + file + ": " + output);
        }
        Files.delete(png);
        return file;
    }

    /** The first part of a good JPEG: still starts like a JPEG, but the data stops half-way. */
    static Path truncated(Path good, Path dir, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(good);
        Path file = dir.resolve(name);
        Files.write(file, Arrays.copyOf(bytes, bytes.length * 2 / 5));
        return file;
    }

    static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** {@link #webpSize(byte[])} of a served image; fails with the answer's status and text when it is not one. */
    static int[] webpSize(Http.Response served) {
        if (served.status() != 200) {
            throw new AssertionError("not a WebP answer: " + served.status() + " " + served.text());
        }
        return webpSize(served.body());
    }

    /** Width and height from a WebP's own header (VP8, VP8L or VP8X); fails for anything that is not WebP. */
    static int[] webpSize(byte[] webp) {
        if (webp.length < 30 || !new String(webp, 0, 4).equals("RIFF") || !new String(webp, 8, 4).equals("WEBP")) {
            throw new AssertionError("not a WebP file");
        }
        ByteBuffer b = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
        String chunk = new String(webp, 12, 4);
        return switch (chunk) {
            case "VP8X" -> new int[]{1 + (b.getInt(24) & 0xFFFFFF), 1 + (b.getInt(27) & 0xFFFFFF)};
            case "VP8 " -> new int[]{b.getShort(26) & 0x3FFF, b.getShort(28) & 0x3FFF};
            case "VP8L" -> {
                int bits = b.getInt(21);
                yield new int[]{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
            }
            default -> throw new AssertionError("unknown WebP chunk " + chunk);
        };
    }

    /** Decodes a WebP with libvips's own command line, as a person's viewer would, for pixel checks. */
    static BufferedImage decode(byte[] webp, Path dir) throws IOException, InterruptedException {
        Path in = Files.createTempFile(dir, "rendition", ".webp");
        Path out = Path.of(in.toString().replace(".webp", ".png"));
        Files.write(in, webp);
        run("vips", "copy", in.toString(), out.toString());
        return ImageIO.read(out.toFile());
    }

    /** Mean red minus mean green over a rectangle given as fractions of the image. */
    static double redness(BufferedImage image, double x0, double y0, double x1, double y1) {
        long sum = 0;
        long n = 0;
        for (int y = (int) (y0 * image.getHeight()); y < (int) (y1 * image.getHeight()); y += 4) {
            for (int x = (int) (x0 * image.getWidth()); x < (int) (x1 * image.getWidth()); x += 4) {
                int rgb = image.getRGB(x, y);
                sum += ((rgb >> 16) & 0xFF) - ((rgb >> 8) & 0xFF);
                n++;
            }
        }
        return (double) sum / n;
    }

    /** exiftool's view of the metadata; the renditions must carry none of the camera's. */
    static String exif(byte[] webp, Path dir) throws IOException, InterruptedException {
        Path in = Files.createTempFile(dir, "meta", ".webp");
        Files.write(in, webp);
        return run("exiftool", "-a", "-G1", "-s", in.toString());
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
        return output;
    }
}
