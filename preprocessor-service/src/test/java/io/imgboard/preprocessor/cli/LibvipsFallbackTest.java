package io.imgboard.preprocessor.cli;

import io.imgboard.preprocessor.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A libvips build that cannot be loaded here (a broken download, another machine's library) does not stop
 * the imaging: Debian's libvips takes its place, with a warning that names the build and why. libvips is
 * loaded once per JVM, so the converter runs in a JVM of its own, on the real libraries.
 */
class LibvipsFallbackTest {
    @TempDir
    Path dir;

    @Test
    void aBuildThatCannotBeLoadedGivesWayToDebiansWithAWarning() throws Exception {
        Path broken = Files.writeString(dir.resolve("libvips-cpp.so.8.18.7"), "half a download\n");
        Path photo = TestImages.photo(dir, "IMG_0002.jpg[Q=90]", 1600, 1200, 7);
        TestImages.exif(photo, "-Orientation#=6");
        Path heic = TestImages.heic(TestImages.photo(dir, "heic-source.png", 800, 600, 8), dir.resolve("IMG_0003.heic"));
        Path output = dir.resolve("out");

        Result run = convert("-Dimgboard.libvips=" + broken, photo.toString(), heic.toString(),
                "--rendition", "display=1920x1080@82", "-o", output.toString());

        assertEquals(0, run.status(), run.err());
        assertTrue(run.err().contains("Convert: warning: cannot load libvips (" + broken + "): "), run.err());
        assertTrue(run.err().matches("(?s).*running on Debian's libvips 8\\.\\d+\\.\\d+ instead, about 1\\.5 times the CPU per photo"
                + " \\(-Dimgboard\\.libvips named it \\(the benches' --libvips sets it\\)\\).*"), run.err());
        assertFalse(run.err().contains(".jar"), "dlopen's reason, not the class path JNA searched: " + run.err());
        String[] lines = run.out().split("\n");
        assertEquals(2, lines.length, run.out());
        assertTrue(lines[0].matches("ok \\S*IMG_0002\\.jpg display=810x1080 \\(\\d+ ms\\)"), lines[0]);
        assertTrue(lines[1].matches("ok \\S*IMG_0003\\.heic display=800x600 \\(\\d+ ms\\)"), lines[1]);
        BufferedImage upright = TestImages.decode(Files.readAllBytes(output.resolve("IMG_0002/display.webp")), dir);
        assertEquals(810, upright.getWidth());
        assertEquals(1080, upright.getHeight());
    }

    @Test
    void theBuildInUseLoadsWithoutAWarning() throws Exception {
        // sharp's build under ./imgboard test (IMGBOARD_LIBVIPS), else Debian's
        String inUse = System.getenv("IMGBOARD_LIBVIPS");
        Path photo = TestImages.photo(dir, "IMG_0004.jpg", 640, 480, 9);

        Result run = convert("-Dimgboard.libvips=" + (inUse == null || inUse.isBlank() ? "libvips.so.42" : inUse),
                photo.toString(), "-o", dir.resolve("out").toString());

        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("ok " + photo + " display=640x480 "), run.out());
        assertFalse(run.err().contains("warning"), run.err());
    }

    private record Result(int status, String out, String err) {
    }

    /** {@code Convert} in a JVM of its own with this test's class path; the environment's build choice is left out. */
    private Result convert(String property, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", property, "-cp", System.getProperty("java.class.path"), Convert.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        builder.environment().remove("IMGBOARD_LIBVIPS");
        Process process = builder.start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Convert did not finish within 120 s");
        }
        return new Result(process.exitValue(), Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8));
    }
}
