package io.imgboard.preprocessor.imaging;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes real test images with the command-line tools (vips, exiftool, heif-enc) and reads
 * results back independently of the code under test (vips CLI + ImageIO, exiftool).
 */
public final class TestImages {
    private TestImages() {
    }

    /** Runs a command, fails with its output unless it exits 0, returns stdout+stderr. */
    public static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": " + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A photo-like picture (smooth Perlin structure plus fine grain, different per channel),
     * saved as {@code name} (the suffix picks the format; vips options may follow in brackets).
     */
    public static Path photo(Path dir, String name, int width, int height, int seed) {
        Path work = dir.resolve(".work-" + seed + "-" + width + "x" + height);
        try {
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String p = work.resolve("p.v").toString();
        String q = work.resolve("q.v").toString();
        String n = work.resolve("n.v").toString();
        String pn = work.resolve("pn.v").toString();
        String rgb = work.resolve("rgb.v").toString();
        String rgb8 = work.resolve("rgb8.v").toString();
        run("vips", "perlin", p, "" + width, "" + height, "--cell-size", "" + Math.max(16, width / 12), "--uchar",
                "--seed", "" + seed);
        run("vips", "perlin", q, "" + width, "" + height, "--cell-size", "" + Math.max(16, width / 5), "--uchar",
                "--seed", "" + (seed + 1000));
        run("vips", "gaussnoise", n, "" + width, "" + height, "--sigma", "10", "--mean", "0", "--seed", "" + seed);
        run("vips", "add", p, n, pn);
        run("vips", "bandjoin", pn + " " + q + " " + p, rgb);
        run("vips", "cast", rgb, rgb8, "uchar");
        Path out = dir.resolve(name.replaceAll("\\[.*", ""));
        run("vips", "copy", rgb8, dir.resolve(name).toString(), "--interpretation", "srgb");
        return out;
    }

    /** Sets tags with exiftool, e.g. {@code -Orientation#=6}. */
    public static Path exif(Path file, String... tags) {
        List<String> command = new ArrayList<>(List.of("exiftool", "-q", "-overwrite_original"));
        command.addAll(List.of(tags));
        command.add(file.toString());
        run(command.toArray(String[]::new));
        return file;
    }

    /** Encodes a PNG or JPEG as HEIC with heif-enc. */
    public static Path heic(Path source, Path target) {
        Path png = source;
        if (!source.toString().endsWith(".png")) {
            png = source.resolveSibling(source.getFileName() + ".heic-source.png");
            run("vips", "copy", source.toString(), png.toString());
        }
        run("heif-enc", "-q", "90", "-o", target.toString(), png.toString());
        return target;
    }

    /**
     * {@code heic} (as heif-enc writes it: primary item 1, one-byte property associations) with an
     * {@code irot} property on its primary item: the picture is to be shown turned {@code quarterTurns}
     * × 90° anticlockwise. iPhones store a portrait this way, sensor-side up, and tag the EXIF
     * Orientation as well; heif-enc writes no irot, so the tests add it. The boxes after the insert
     * move, so their sizes and the item locations are corrected.
     */
    public static Path withIrot(Path heic, Path target, int quarterTurns) {
        try {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(heic));
            int[] meta = box(b, 0, b.limit(), "meta");
            int[] iprp = box(b, meta[0] + 12, meta[0] + meta[1], "iprp");
            int[] ipco = box(b, iprp[0] + 8, iprp[0] + iprp[1], "ipco");
            int[] ipma = box(b, iprp[0] + 8, iprp[0] + iprp[1], "ipma");
            int properties = 0;
            for (int at = ipco[0] + 8; at < ipco[0] + ipco[1]; at += b.getInt(at)) {
                properties++;
            }
            int version = b.get(ipma[0] + 8);
            if ((b.get(ipma[0] + 11) & 1) != 0 || ipma[0] < ipco[0]) {
                throw new IllegalArgumentException("not laid out as heif-enc writes it: " + heic);
            }
            int at = ipma[0] + 16;
            int countAt = -1;
            int insertAt = -1;
            for (int entry = b.getInt(ipma[0] + 12); entry > 0; entry--) {
                int item = version < 1 ? b.getShort(at) & 0xffff : b.getInt(at);
                at += version < 1 ? 2 : 4;
                int count = b.get(at) & 0xff;
                if (item == 1) {
                    countAt = at;
                    insertAt = at + 1 + count;
                }
                at += 1 + count;
            }
            byte[] bytes = b.array();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(bytes.length + 10);
            int ipcoEnd = ipco[0] + ipco[1];
            out.write(bytes, 0, ipcoEnd);
            out.write(new byte[]{0, 0, 0, 9, 'i', 'r', 'o', 't', (byte) (quarterTurns & 3)});
            out.write(bytes, ipcoEnd, insertAt - ipcoEnd);
            out.write(0x80 | (properties + 1)); // essential, the new property's 1-based index
            out.write(bytes, insertAt, bytes.length - insertAt);
            java.nio.ByteBuffer n = java.nio.ByteBuffer.wrap(out.toByteArray());
            n.put(countAt + 9, (byte) (b.get(countAt) + 1));
            n.putInt(ipma[0] + 9, ipma[1] + 1);
            n.putInt(ipco[0], ipco[1] + 9);
            n.putInt(iprp[0], iprp[1] + 10);
            n.putInt(meta[0], meta[1] + 10);
            moveLocations(n, meta, 10);
            return Files.write(target, n.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The offset and size of the first {@code type} box in {@code [from, to)}. */
    private static int[] box(java.nio.ByteBuffer b, int from, int to, String type) {
        for (int at = from; at < to; at += b.getInt(at)) {
            byte[] name = new byte[4];
            b.get(at + 4, name);
            if (type.equals(new String(name, StandardCharsets.US_ASCII))) {
                return new int[]{at, b.getInt(at)};
            }
        }
        throw new IllegalArgumentException("no " + type + " box");
    }

    /** Adds {@code shift} to every item location in the file past the {@code meta} box (iloc, versions 0-2). */
    private static void moveLocations(java.nio.ByteBuffer b, int[] meta, int shift) {
        int[] iloc = box(b, meta[0] + 12, meta[0] + meta[1] + shift, "iloc");
        int version = b.get(iloc[0] + 8);
        int at = iloc[0] + 12;
        int offsetSize = (b.get(at) & 0xff) >> 4;
        int lengthSize = b.get(at) & 15;
        int baseSize = (b.get(at + 1) & 0xff) >> 4;
        int indexSize = version == 1 || version == 2 ? b.get(at + 1) & 15 : 0;
        at += 2;
        int items = version < 2 ? b.getShort(at) & 0xffff : b.getInt(at);
        at += version < 2 ? 2 : 4;
        for (int i = 0; i < items; i++) {
            at += version < 2 ? 2 : 4;
            int method = 0;
            if (version == 1 || version == 2) {
                method = b.get(at + 1) & 15;
                at += 2;
            }
            at += 2; // data reference index
            moveIfPast(b, at, baseSize, meta[0], method == 0 ? shift : 0);
            at += baseSize;
            int extents = b.getShort(at) & 0xffff;
            at += 2;
            for (int e = 0; e < extents; e++) {
                at += indexSize;
                moveIfPast(b, at, offsetSize, meta[0], method == 0 ? shift : 0);
                at += offsetSize + lengthSize;
            }
        }
    }

    private static void moveIfPast(java.nio.ByteBuffer b, int at, int size, int past, int shift) {
        if (size == 0 || shift == 0) {
            return;
        }
        long value = 0;
        for (int i = 0; i < size; i++) {
            value = value << 8 | (b.get(at + i) & 0xff);
        }
        if (value > past) {
            value += shift;
            for (int i = size - 1; i >= 0; i--) {
                b.put(at + i, (byte) value);
                value >>= 8;
            }
        }
    }

    /** Decodes any image libvips reads (WebP included) with the vips CLI and ImageIO. */
    public static BufferedImage decode(byte[] encoded, Path scratch) {
        try {
            Path in = Files.createTempFile(scratch, "decode-", ".webp");
            Path out = Files.createTempFile(scratch, "decode-", ".png");
            Files.write(in, encoded);
            run("vips", "copy", in.toString(), out.toString());
            return ImageIO.read(out.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mean of the red, green, blue means over a rectangle given as fractions of the image. */
    public static double mean(BufferedImage image, double x0, double y0, double x1, double y1) {
        int left = (int) (image.getWidth() * x0);
        int top = (int) (image.getHeight() * y0);
        int right = (int) (image.getWidth() * x1);
        int bottom = (int) (image.getHeight() * y1);
        long sum = 0;
        long count = 0;
        for (int y = top; y < bottom; y++) {
            for (int x = left; x < right; x++) {
                int rgb = image.getRGB(x, y);
                sum += ((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF);
                count += 3;
            }
        }
        return (double) sum / count;
    }

    /** Every metadata field name libvips sees in the file. */
    public static List<String> vipsFields(Path file) {
        List<String> names = new ArrayList<>();
        for (String line : run("vipsheader", "-a", file.toString()).split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0 && !line.startsWith(file.toString())) {
                names.add(line.substring(0, colon));
            }
        }
        return names;
    }
}
