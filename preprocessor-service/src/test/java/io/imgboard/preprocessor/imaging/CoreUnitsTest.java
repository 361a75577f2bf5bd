package io.imgboard.preprocessor.imaging;

import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plain-Java pieces of the core: geometry, parsing, sniffing, the WebP container edit. */
class CoreUnitsTest {

    /**
     * Two photos failing at once share libvips' one error buffer: the JPEG that copied it keeps its own loader's
     * words and leaves the PNG's for the PNG, which copied nothing.
     */
    @Test
    void eachFailedPhotoGetsItsOwnLoadersWords() {
        StrayErrors.clear();
        long now = System.nanoTime();
        assertEquals("VipsJpeg: Premature end of JPEG file", StrayErrors.claim(ImageFormat.JPEG,
                "vipspng: libpng read error; VipsJpeg: Premature end of JPEG file", now));
        assertEquals("vipspng: libpng read error; vips_pngload_source failed",
                StrayErrors.claim(ImageFormat.PNG, "vips_pngload_source failed", now + 1));
        assertEquals("vips_pngload_source failed", StrayErrors.claim(ImageFormat.PNG, "vips_pngload_source failed", now + 2),
                "a message is claimed once");
        // words that name no loader stay with whoever copied them; HEIC and AVIF share libheif's words
        assertEquals("VipsForeignLoad: not a known file format", StrayErrors.claim(ImageFormat.WEBP,
                "VipsForeignLoad: not a known file format; heif: Invalid input: No 'ftyp' box", now + 3));
        assertEquals("heif: Invalid input: No 'ftyp' box; vips_heifload_source failed",
                StrayErrors.claim(ImageFormat.AVIF, "vips_heifload_source failed", now + 4));
        // an encoder's words name no input format
        assertEquals("vips2webp: unable to encode", StrayErrors.claim(ImageFormat.JPEG, "vips2webp: unable to encode", now + 5));
        // left words are kept for half a minute, not longer
        StrayErrors.claim(ImageFormat.GIF, "tiff2vips: bad strip", now + 5);
        assertEquals("tiff2vips: bad strip; vips_tiffload_source failed", StrayErrors.claim(ImageFormat.TIFF,
                "vips_tiffload_source failed", now + 5 + java.time.Duration.ofSeconds(29).toNanos()));
        StrayErrors.claim(ImageFormat.GIF, "tiff2vips: bad strip", now + 5);
        assertEquals("vips_tiffload_source failed", StrayErrors.claim(ImageFormat.TIFF, "vips_tiffload_source failed",
                now + 5 + java.time.Duration.ofSeconds(31).toNanos()));
    }

    /**
     * A decoder's reason is shown to operators: it names no path of this machine, also where the loader quotes
     * the file a second time, cut short (a truncated HEIC under libvips 8.18, seen on the ops page).
     */
    @Test
    void aDecodersReasonNamesNoPathOfThisMachine() {
        String file = "/work/main/.imgboard/work/preprocessor-service/tmp/imgboard-preprocessor-originals/original-"
                + "0369d4f4-1b2c-4d5e-8f90-aba1c2d3e4f5-123456789";
        assertEquals("the file: bad seek to 407342", ImageProcessor.readable(file + ": bad seek to 407342; "
                + file.substring(0, 100) + "...", file));
        assertEquals("the file: Premature end of input file; VipsJpeg: out of order read",
                ImageProcessor.readable(file + ": Premature end of input file; VipsJpeg: out of order read", file));
        assertEquals("heifload: the file is not a heif image", ImageProcessor.readable("heifload: " + file
                + " is not a heif image", file));
    }

    @Test
    void fitInsideKeepsTheAspectAndNeverEnlarges() {
        assertEquals(new Dimensions(1440, 1080), Dimensions.fitInside(4032, 3024, 1920, 1080));
        assertEquals(new Dimensions(810, 1080), Dimensions.fitInside(3024, 4032, 1920, 1080));
        assertEquals(new Dimensions(2880, 2160), Dimensions.fitInside(4032, 3024, 3840, 2160));
        assertEquals(new Dimensions(480, 360), Dimensions.fitInside(4032, 3024, 480, 480));
        assertEquals(new Dimensions(640, 480), Dimensions.fitInside(640, 480, 1920, 1080));
        assertEquals(new Dimensions(1920, 1), Dimensions.fitInside(100000, 10, 1920, 1080));
    }

    @Test
    void renditionSizesParseAndRefuseNonsense() {
        assertEquals(new RenditionSize("display", 1920, 1080, 82), RenditionSize.parse("display=1920x1080@82"));
        assertEquals(new RenditionSize("thumb", 480, 480, 75), RenditionSize.parse(" thumb = 480 x 480 @ 75 "));
        assertThrows(IllegalArgumentException.class, () -> RenditionSize.parse("display=1920x1080"));
        assertThrows(IllegalArgumentException.class, () -> RenditionSize.parse("../etc=10x10@80"));
        assertThrows(IllegalArgumentException.class, () -> RenditionSize.parse("big=20000x10@80"));
        assertEquals(16383, RenditionSize.parse("largest=16383x16383@80").maxHeight(), "the largest WebP");
        assertThrows(IllegalArgumentException.class, () -> RenditionSize.parse("big=10x16384@80"));
        assertThrows(IllegalArgumentException.class, () -> RenditionSize.parse("q=10x10@0"));
    }

    @Test
    void renditionNamesAreOnlyThoseTheDisplayServes() {
        assertEquals("thumb-2x", RenditionSize.parse("thumb-2x=960x960@75").name());
        assertEquals("0", RenditionSize.parse("0=10x10@80").name());
        assertEquals("a".repeat(32), new RenditionSize("a".repeat(32), 10, 10, 80).name());
        for (String bad : List.of("thumb_2x", "Thumb", "-thumb", "a".repeat(33), "thumb.webp", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new RenditionSize(bad, 10, 10, 80), bad);
            assertEquals("rendition name must be 1-32 of a-z, 0-9 and -, starting with a letter or digit"
                    + " (it is part of the photo's media URL), not '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void aRenditionNameWithAnUnderscoreStopsTheConfigurationWithTheReason() {
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(PreprocessorConfig.class)
                .withDefaultValue("imgboard.preprocessor.renditions", "display=1920x1080@82,big_thumb=480x480@75");
        // The mapping is checked when the configuration is built, as at Quarkus start-up.
        Exception e = assertThrows(Exception.class, () -> builder.build().getConfigMapping(PreprocessorConfig.class));
        String message = e.getMessage();
        assertTrue(message.contains("imgboard.preprocessor.renditions"), message);
        assertTrue(message.contains("rendition name must be 1-32 of a-z, 0-9 and -"), message);
        assertTrue(message.contains("not 'big_thumb'"), message);
    }

    @Test
    void environmentFaultsAreToldFromBadPhotosByLibvipsWords() {
        // the machine: retried, then reported as retryable
        assertTrue(EnvironmentFault.matches("vips_malloc: out of memory --- size == 2048MB"));
        assertTrue(EnvironmentFault.matches("vips_tracked_malloc: out of memory --- size == 96MB; "
                + "VipsJpeg: Premature end of JPEG file"));
        assertTrue(EnvironmentFault.matches("VipsRegion: unable to allocate 33554432 bytes"));
        assertTrue(EnvironmentFault.matches("vips_operation_new: class \"heifload\" not found"));
        assertTrue(EnvironmentFault.matches("VipsOperation: class \"webpsave_buffer\" not found"));
        assertTrue(EnvironmentFault.matches("VipsForeignLoad: file \"/tmp/original-1\" not found"));
        assertTrue(EnvironmentFault.matches("tiffload: Cannot allocate memory"));
        assertTrue(EnvironmentFault.matches("OUT OF MEMORY"));
        // the photo: refused for good
        assertFalse(EnvironmentFault.matches("VipsJpeg: Premature end of JPEG file"));
        assertFalse(EnvironmentFault.matches("VipsJpeg: Corrupt JPEG data: 1234 extraneous bytes before marker 0xd9"));
        assertFalse(EnvironmentFault.matches("heif: Invalid input: No 'ftyp' box"));
        assertFalse(EnvironmentFault.matches("pngload: libpng read error; vips2png: unable to write to target"));
        assertFalse(EnvironmentFault.matches("gifload: Image is defective, decoding aborted"));
        assertFalse(EnvironmentFault.matches("vips_image_get: field \"orientation\" not found"));
        assertFalse(EnvironmentFault.matches(""));
        assertFalse(EnvironmentFault.matches(null));
    }

    @Test
    void sniffingByMagicBytes() {
        assertEquals(Optional.of(ImageFormat.JPEG), sniff(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1}));
        assertEquals(Optional.of(ImageFormat.HEIF), sniff(ftyp("heic", "mif1", "heic")));
        assertEquals(Optional.of(ImageFormat.HEIF), sniff(ftyp("mif1", "mif1", "heic", "miaf")));
        assertEquals(Optional.of(ImageFormat.AVIF), sniff(ftyp("avif", "avif", "mif1", "miaf")));
        assertEquals(Optional.of(ImageFormat.AVIF), sniff(ftyp("mif1", "mif1", "avif")));
        assertEquals(Optional.of(ImageFormat.WEBP), sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals(Optional.of(ImageFormat.TIFF), sniff(new byte[]{'I', 'I', 42, 0, 8, 0, 0, 0}));
        assertEquals(Optional.of(ImageFormat.GIF), sniff("GIF89a".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("camera raw (Canon CR2)", FormatSniffer.sniff(new byte[]{'I', 'I', 42, 0, 16, 0, 0, 0, 'C', 'R', 2, 0}, 12).looksLike());
        assertEquals("video (qt)", FormatSniffer.sniff(ftyp("qt  ", "qt  "), 24).looksLike());
        assertEquals("JPEG XL", FormatSniffer.sniff(new byte[]{(byte) 0xFF, 0x0A, 1, 2}, 4).looksLike());
    }

    @Test
    void exifValuesAsLibvipsPrintsThem() {
        assertEquals("Apple", ExifText.rawValue("Apple (Apple, ASCII, 6 components, 6 bytes)"));
        assertEquals("iPhone 15 (Pro)", ExifText.rawValue("iPhone 15 (Pro) (iPhone 15 (Pro), ASCII, 16 components, 16 bytes)"));
        assertEquals("2026:08:01 12:42:07", ExifText.rawValue("2026:08:01 12:42:07 (2026:08:01 12:42:07, ASCII, 20 components, 20 bytes)"));
        assertEquals(Optional.empty(), ExifText.localDateTime("0000:00:00 00:00:00"));
        assertEquals(Optional.of("+02:00"), ExifText.offset("+02:00"));
        assertEquals(Optional.of("+00:00"), ExifText.offset("Z"));
        assertEquals(Optional.empty(), ExifText.offset("   :  "));
    }

    @Test
    void hammingDistanceOfHashes() {
        assertEquals(0, PerceptualHash.distance("00ff00ff00ff00ff", "00ff00ff00ff00ff"));
        assertEquals(64, PerceptualHash.distance("0000000000000000", "ffffffffffffffff"));
        assertEquals(1, PerceptualHash.distance("8000000000000000", "0000000000000000"));
    }

    @Test
    void webpMetadataChunksAreRemovedAndFlagsCleared() {
        byte[] vp8x = new byte[10];
        vp8x[0] = 0x20 | 0x08 | 0x04 | 0x10; // ICC, EXIF, XMP, alpha
        byte[] webp = riff(chunk("VP8X", vp8x), chunk("ICCP", new byte[]{1, 2, 3}), chunk("ALPH", new byte[]{9}),
                chunk("VP8 ", new byte[]{5, 6, 7, 8}), chunk("EXIF", "GPS secret".getBytes(StandardCharsets.US_ASCII)),
                chunk("XMP ", new byte[]{1}));

        byte[] stripped = WebpMetadata.strip(webp);

        byte[] cleared = vp8x.clone();
        cleared[0] = 0x10; // alpha stays
        assertArrayEquals(riff(chunk("VP8X", cleared), chunk("ALPH", new byte[]{9}), chunk("VP8 ", new byte[]{5, 6, 7, 8})),
                stripped);
        byte[] simple = riff(chunk("VP8 ", new byte[]{1, 2}));
        assertArrayEquals(simple, WebpMetadata.strip(simple));
        byte[] exifOnly = new byte[10];
        exifOnly[0] = 0x08;
        assertArrayEquals(simple, WebpMetadata.strip(riff(chunk("VP8X", exifOnly), chunk("VP8 ", new byte[]{1, 2}),
                chunk("EXIF", new byte[]{7}))), "a VP8X with nothing left to flag goes too: the simple format");
        byte[] none = riff(chunk("VP8X", new byte[10]), chunk("VP8 ", new byte[]{1, 2}));
        assertArrayEquals(none, WebpMetadata.strip(none), "a file with no metadata is returned as it came");
        assertThrows(IllegalArgumentException.class, () -> WebpMetadata.strip("RIFF....AVI ".getBytes(StandardCharsets.US_ASCII)));
    }

    private static Optional<ImageFormat> sniff(byte[] head) {
        return FormatSniffer.sniff(head, head.length).format();
    }

    private static byte[] ftyp(String major, String... compatible) {
        ByteBuffer box = ByteBuffer.allocate(16 + 4 * compatible.length);
        box.putInt(16 + 4 * compatible.length).put("ftyp".getBytes(StandardCharsets.US_ASCII))
                .put(major.getBytes(StandardCharsets.US_ASCII)).putInt(0);
        for (String brand : compatible) {
            box.put(brand.getBytes(StandardCharsets.US_ASCII));
        }
        byte[] head = new byte[Math.max(24, box.capacity())];
        System.arraycopy(box.array(), 0, head, 0, box.capacity());
        return head;
    }

    private static byte[] chunk(String type, byte[] data) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + data.length + (data.length & 1)).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(type.getBytes(StandardCharsets.US_ASCII)).putInt(data.length).put(data);
        return buffer.array();
    }

    private static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.US_ASCII));
        for (byte[] chunk : chunks) {
            body.writeBytes(chunk);
        }
        ByteBuffer out = ByteBuffer.allocate(8 + body.size()).order(ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(body.size()).put(body.toByteArray());
        return out.array();
    }
}
