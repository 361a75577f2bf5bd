package io.imgboard.preprocessor.cli;

import io.imgboard.preprocessor.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

        OwnJvm.Result run = convert("-Dimgboard.libvips=" + broken, photo.toString(), heic.toString(),
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

        OwnJvm.Result run = convert("-Dimgboard.libvips=" + (inUse == null || inUse.isBlank() ? "libvips.so.42" : inUse),
                photo.toString(), "-o", dir.resolve("out").toString());

        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("ok " + photo + " display=640x480 "), run.out());
        assertFalse(run.err().contains("warning"), run.err());
    }

    /** {@code Convert} in a JVM of its own with this test's class path; the environment's build choice is left out. */
    private OwnJvm.Result convert(String property, String... args) throws IOException, InterruptedException {
        return OwnJvm.run(dir, Convert.class, List.of(property), args);
    }
}
