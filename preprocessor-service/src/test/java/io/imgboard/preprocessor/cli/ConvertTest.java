package io.imgboard.preprocessor.cli;

import io.imgboard.preprocessor.imaging.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line converter: files in, WebP renditions and one line per file out, exit status. */
class ConvertTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void convertsGoodFilesAndRefusesBadOnesWithExitStatus2() throws Exception {
        Path photo = TestImages.photo(dir, "IMG_0001.jpg[Q=90]", 1600, 1200, 4);
        TestImages.exif(photo, "-Orientation#=6");
        Path text = Files.writeString(dir.resolve("notes.jpg"), "not a photo\n");
        Path output = dir.resolve("out");

        int status = run(photo.toString(), text.toString(), "--rendition", "display=1920x1080@82",
                "--rendition=thumb=480x480@75", "--effort", "2", "-o", output.toString());

        assertEquals(2, status, err.toString());
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, out.toString());
        assertTrue(lines[0].matches("ok \\S*IMG_0001\\.jpg display=810x1080 thumb=360x480 \\(\\d+ ms\\)"), lines[0]);
        assertEquals("refused " + text + ": unsupported format: text", lines[1]);
        assertTrue(Files.size(output.resolve("IMG_0001/display.webp")) > 0);
        assertTrue(Files.size(output.resolve("IMG_0001/thumb.webp")) > 0);
        assertTrue(Files.notExists(output.resolve("notes")));
    }

    @Test
    void allConvertedIsExitStatus0WithTheDefaultRenditions() throws Exception {
        Path png = TestImages.photo(dir, "small.png", 640, 480, 5);

        int status = run(png.toString(), "-o", dir.resolve("out").toString());

        assertEquals(0, status, err.toString());
        assertTrue(out.toString().startsWith("ok " + png + " display=640x480 uhd=640x480 thumb=480x360 ("), out.toString());
    }

    @Test
    void twoFilesOfTheSameNameGetAFolderEach() throws Exception {
        Path jpeg = TestImages.photo(dir, "IMG_0002.jpg[Q=90]", 640, 480, 6);
        Path png = TestImages.photo(dir, "IMG_0002.png", 480, 640, 7);
        Path output = dir.resolve("out");

        assertEquals(0, run(jpeg.toString(), png.toString(), "--rendition", "display=1920x1080@82", "-o", output.toString()));

        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertTrue(lines[1].endsWith(" into IMG_0002-2/"), lines[1]);
        assertEquals(640, TestImages.decode(Files.readAllBytes(output.resolve("IMG_0002/display.webp")), dir).getWidth());
        assertEquals(480, TestImages.decode(Files.readAllBytes(output.resolve("IMG_0002-2/display.webp")), dir).getWidth());
    }

    @Test
    void usageErrorsAreExitStatus1() {
        assertEquals(1, run("photo.jpg"));
        assertTrue(err.toString().contains("no output folder"), err.toString());
        assertEquals(1, run("-o", dir.toString()));
        assertEquals(1, run("--rendition", "big", "a.jpg", "-o", dir.toString()));
        assertEquals(1, run("--frobnicate", "a.jpg", "-o", dir.toString()));
        assertEquals(1, run("--effort", "9", "a.jpg", "-o", dir.toString()));
    }

    @Test
    void aMissingFileIsRefused() {
        assertEquals(2, run(dir.resolve("gone.jpg").toString(), "-o", dir.toString()));
        assertEquals("refused " + dir.resolve("gone.jpg") + ": no such file\n", out.toString());
    }

    private int run(String... args) {
        return Convert.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }
}
