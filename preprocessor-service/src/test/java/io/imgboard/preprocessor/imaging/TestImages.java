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
