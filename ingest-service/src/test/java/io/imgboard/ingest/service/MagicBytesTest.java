package io.imgboard.ingest.service;

import io.imgboard.ingest.TestImages;
import io.imgboard.ingest.service.MagicBytes.Detected;
import io.imgboard.ingest.service.MagicBytes.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MagicBytesTest {

    private static Detected detect(byte[] bytes) {
        return MagicBytes.detect(bytes);
    }

    private static void assertImage(String type, byte[] bytes) {
        assertEquals(new Detected(Kind.IMAGE, type), detect(bytes));
    }

    @Test
    void realFilesWrittenByImageIo() {
        assertImage("image/jpeg", TestImages.encode("jpg", 1));
        assertImage("image/png", TestImages.encode("png", 1));
        assertImage("image/gif", TestImages.encode("gif", 1));
        assertImage("image/tiff", TestImages.encode("tiff", 1));
        assertEquals(new Detected(Kind.UNSUPPORTED_IMAGE, "image/bmp"), detect(TestImages.encode("bmp", 1)));
    }

    @Test
    void signatures() {
        assertImage("image/jpeg", bytes(0xFF, 0xD8, 0xFF, 0xE1, 0, 0));
        assertImage("image/png", bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13));
        assertImage("image/gif", "GIF87a\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1));
        assertImage("image/gif", "GIF89a\u0001\u0000".getBytes(StandardCharsets.ISO_8859_1));
        assertImage("image/webp", concat("RIFF".getBytes(StandardCharsets.US_ASCII), bytes(0x24, 0, 0, 0),
                "WEBPVP8 ".getBytes(StandardCharsets.US_ASCII)));
        assertImage("image/tiff", bytes('I', 'I', 0x2A, 0x00, 8, 0, 0, 0));
        assertImage("image/tiff", bytes('M', 'M', 0x00, 0x2A, 0, 0, 0, 8));
    }

    @ParameterizedTest(name = "major brand {0} -> {1}")
    @CsvSource({
            "heic, image/heic", "heix, image/heic", "hevc, image/heic", "hevx, image/heic", "heim, image/heic",
            "heis, image/heic", "mif1, image/heif", "msf1, image/heif", "avif, image/avif", "avis, image/avif"})
    void isoMediaImageBrands(String brand, String type) {
        assertImage(type, ftyp(brand, "mif1", "miaf"));
    }

    @Test
    void compatibleBrandsDecideWhenTheMajorBrandDoesNot() {
        assertImage("image/heic", ftyp("miaf", "mif1", "heic"));
        assertImage("image/avif", ftyp("miaf", "mif1", "avif"));
        assertImage("image/heif", ftyp("miaf", "mif1"));
    }

    @Test
    void isoMediaThatIsNotAnImage() {
        assertEquals(new Detected(Kind.NOT_IMAGE, "video/mp4"), detect(ftyp("isom", "iso2", "mp41")));
        assertEquals(new Detected(Kind.NOT_IMAGE, "video/quicktime"), detect(ftyp("qt  ", "qt  ")));
        assertEquals(new Detected(Kind.UNSUPPORTED_IMAGE, "image/x-canon-cr3"), detect(ftyp("crx ", "crx ")));
        assertEquals(Kind.UNKNOWN, detect(ftyp("zzzz", "yyyy")).kind());
    }

    @Test
    void compatibleBrandsBeyondTheBoxAreIgnored() {
        byte[] box = ftyp("isom", "mp41");
        // an "avif" right after the ftyp box belongs to the next box, not to the brand list
        assertEquals(new Detected(Kind.NOT_IMAGE, "video/mp4"), detect(concat(box, bytes(0, 0, 0, 8), "avif".getBytes())));
    }

    @Test
    void textIsNotAnImage() {
        assertEquals(new Detected(Kind.NOT_IMAGE, "text/plain"), detect("this is not a photo\n".getBytes()));
        assertEquals(new Detected(Kind.NOT_IMAGE, "text/plain"), detect("\uFEFFÄrger, 日本語 ok\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(new Detected(Kind.NOT_IMAGE, "text/html"), detect("<!DOCTYPE html><html></html>".getBytes()));
        assertEquals(new Detected(Kind.NOT_IMAGE, "application/xml"), detect("<?xml version=\"1.0\"?><a/>".getBytes()));
        assertEquals(new Detected(Kind.UNSUPPORTED_IMAGE, "image/svg+xml"),
                detect("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>".getBytes()));
    }

    @Test
    void textCutInsideAMultiByteCharacterIsStillText() {
        byte[] text = "aaaaé".getBytes(StandardCharsets.UTF_8);
        assertEquals(new Detected(Kind.NOT_IMAGE, "text/plain"), MagicBytes.detect(text, text.length - 1));
    }

    @Test
    void otherKnownFormats() {
        assertEquals(new Detected(Kind.NOT_IMAGE, "application/pdf"), detect("%PDF-1.7\n".getBytes()));
        assertEquals(new Detected(Kind.NOT_IMAGE, "application/zip"), detect(bytes('P', 'K', 3, 4, 20, 0)));
        assertEquals(new Detected(Kind.NOT_IMAGE, "application/gzip"), detect(bytes(0x1F, 0x8B, 8, 0)));
        assertEquals(new Detected(Kind.NOT_IMAGE, "audio/wav"), detect(concat("RIFF".getBytes(), bytes(0, 0, 0, 0), "WAVE".getBytes())));
        assertEquals(new Detected(Kind.UNSUPPORTED_IMAGE, "image/jxl"), detect(bytes(0xFF, 0x0A, 0xFA)));
    }

    @Test
    void nearMissesAreNotImages() {
        assertEquals(Kind.UNKNOWN, detect(bytes(0xFF, 0xD8)).kind(), "two bytes of a JPEG signature");
        assertEquals(Kind.UNKNOWN, detect(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A)).kind());
        assertEquals(new Detected(Kind.NOT_IMAGE, "text/plain"), detect("GIF88a".getBytes()));
        assertEquals(Kind.UNKNOWN, detect(concat("RIFF".getBytes(), bytes(0, 0, 0, 0), "WEBX".getBytes(), bytes(0))).kind());
        assertEquals(Kind.UNKNOWN, detect(bytes('I', 'I', 0x2B, 0x00, 0x08, 0x00)).kind(), "BigTIFF is not taken");
        assertEquals(Kind.UNKNOWN, detect(new byte[0]).kind());
        assertEquals(Kind.UNKNOWN, detect(bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).kind());
        assertEquals(Kind.UNKNOWN, detect(bytes(0x00, 0x01, 0x02, 0x03, 0xFE)).kind());
    }

    @Test
    void onlyTheValidLengthCounts() {
        byte[] buffer = new byte[MagicBytes.HEAD_LENGTH];
        buffer[0] = (byte) 0xFF;
        buffer[1] = (byte) 0xD8;
        buffer[2] = (byte) 0xFF;
        assertEquals(Kind.UNKNOWN, MagicBytes.detect(buffer, 2).kind());
        assertEquals(Kind.IMAGE, MagicBytes.detect(buffer, 3).kind());
    }

    /** Real WebP, HEIC and AVIF files made by libvips (libvips-tools, which ./imgboard test installs). */
    @Test
    void realFilesWrittenByLibvips(@TempDir Path dir) throws Exception {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/vips")), "vips not installed (./imgboard test installs libvips-tools)");
        Path png = dir.resolve("in.png");
        Files.write(png, TestImages.png(7));
        for (String[] expected : new String[][] {{"webp", "image/webp"}, {"heic", "image/heic"}, {"avif", "image/avif"},
                {"tif", "image/tiff"}, {"gif", "image/gif"}}) {
            Path out = dir.resolve("out." + expected[0]);
            Process vips = new ProcessBuilder("vips", "copy", png.toString(), out.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("vips.log").toFile()).start();
            assertTrue(vips.waitFor(60, TimeUnit.SECONDS) && vips.exitValue() == 0,
                    "vips cannot write " + expected[0] + ": " + Files.readString(dir.resolve("vips.log")));
            assertImage(expected[1], Files.readAllBytes(out));
        }
    }

    private static byte[] ftyp(String major, String... compatible) {
        ByteArrayOutputStream box = new ByteArrayOutputStream();
        int size = 16 + 4 * compatible.length;
        box.writeBytes(bytes(size >>> 24, size >>> 16 & 0xFF, size >>> 8 & 0xFF, size & 0xFF));
        box.writeBytes("ftyp".getBytes(StandardCharsets.US_ASCII));
        box.writeBytes(major.getBytes(StandardCharsets.US_ASCII));
        box.writeBytes(bytes(0, 0, 0, 0));
        for (String brand : compatible) {
            box.writeBytes(brand.getBytes(StandardCharsets.US_ASCII));
        }
        return box.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
