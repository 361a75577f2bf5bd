package io.imgboard.preprocessor.imaging;

import io.imgboard.preprocessor.imaging.vips.FailOn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files that must be refused with a reason a person understands, without crashing the JVM (a
 * crash here would kill the test run) and without leaving grey pictures behind.
 */
class HostileInputTest {
    static final List<RenditionSize> SIZES = ImageProcessorTest.DEFAULT_SIZES;

    @TempDir
    static Path dir;

    static ImageProcessor processor;
    static Path jpeg;
    static Path png;
    static Path heic;

    @BeforeAll
    static void setUp() {
        processor = new ImageProcessor(ImagingOptions.defaults());
        jpeg = TestImages.photo(dir, "good.jpg[Q=90]", 1200, 900, 1);
        png = TestImages.photo(dir, "good.png", 600, 450, 2);
        heic = TestImages.heic(png, dir.resolve("good.heic"));
    }

    @Test
    void truncatedJpeg() throws Exception {
        byte[] whole = Files.readAllBytes(jpeg);
        String reason = refused(Arrays.copyOf(whole, whole.length * 2 / 5));
        assertTrue(reason.startsWith("corrupt or truncated JPEG: "), reason);
        // libjpeg-turbo: "Premature end of input file"; the mozjpeg in the libvips 8.18 build: "premature end of JPEG image"
        assertTrue(reason.toLowerCase(java.util.Locale.ROOT).contains("premature end of "), reason);
    }

    @Test
    void truncatedJpegFromAFileToo() throws Exception {
        byte[] whole = Files.readAllBytes(jpeg);
        Path cut = dir.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        ImageRefusedException e = assertThrows(ImageRefusedException.class, () -> processor.process(cut, SIZES));
        assertTrue(e.reason().startsWith("corrupt or truncated JPEG: "), e.reason());
        // Work that can wait is decoded a band of rows at a time on this thread: refused the same way.
        java.util.concurrent.atomic.AtomicInteger pauses = new java.util.concurrent.atomic.AtomicInteger();
        ImageRefusedException paced = assertThrows(ImageRefusedException.class,
                () -> processor.process(cut, SIZES, null, pauses::incrementAndGet));
        assertEquals(e.reason(), paced.reason());
        assertTrue(pauses.get() > 1, "the decode was paced: " + pauses.get() + " pauses");
    }

    /**
     * A JPEG cut short and followed by the start of another file: libjpeg only warns (a marker inside
     * the image data) and fills the rest with grey. Refused, not a half-grey photo on the frames.
     */
    @Test
    void aJpegCutShortByAnotherFilesStartIsRefused() throws Exception {
        byte[] whole = Files.readAllBytes(jpeg);
        byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 5 + 3);
        cut[cut.length - 3] = (byte) 0xFF;
        cut[cut.length - 2] = (byte) 0xD8;
        cut[cut.length - 1] = (byte) 0xFF;
        String reason = refused(cut);
        assertTrue(reason.startsWith("corrupt or truncated JPEG: "), reason);
        assertTrue(reason.toLowerCase(java.util.Locale.ROOT).contains("premature end of data segment"), reason);
        Path file = Files.write(dir.resolve("cut-by-another.jpg"), cut);
        assertThrows(ImageRefusedException.class, () -> processor.process(file, SIZES,
                new ImageProcessor.Early("display", image -> { })));
    }

    /** Bytes between two markers: libjpeg warns and loses nothing; the photo is made as usual. */
    @Test
    void aJpegWithAHarmlessWarningIsProcessed() throws Exception {
        byte[] whole = Files.readAllBytes(jpeg);
        int at = 2 + 2 + (((whole[4] & 0xFF) << 8) | (whole[5] & 0xFF)); // after the first segment behind SOI
        byte[] padded = new byte[whole.length + 3];
        System.arraycopy(whole, 0, padded, 0, at);
        System.arraycopy(whole, at, padded, at + 3, whole.length - at);
        Path file = Files.write(dir.resolve("extraneous.jpg"), padded);
        java.util.concurrent.atomic.AtomicInteger early = new java.util.concurrent.atomic.AtomicInteger();
        ProcessedImage image = processor.process(file, SIZES, new ImageProcessor.Early("display", i -> early.incrementAndGet()));
        assertEquals(1200, image.width());
        assertEquals(SIZES.size(), image.renditions().size());
        assertEquals(1, early.get(), "the early rendition is handed over once");
    }

    /**
     * An interlaced PNG is decoded whole, so its memory is bounded by what max-pixels admits as 8-bit RGBA:
     * here 5 MP, so 20 MB. The same 4 MP of 16-bit RGBA (32 MB) interlaced is refused with the reason; not
     * interlaced (read a strip at a time), or interlaced at 8 bits (16 MB), it is made.
     */
    @Test
    void anInterlacedPngTooLargeToHoldWholeIsRefusedWithTheMemoryItWouldTake() throws Exception {
        ImageProcessor fiveMegapixels = new ImageProcessor(new ImagingOptions(5_000_000, ImagingOptions.DEFAULT_MAX_BYTES,
                ImagingOptions.DEFAULT_WEBP_EFFORT, FailOn.TRUNCATED, ImagingOptions.DEFAULT_PLACEHOLDER_SIZE, 1));
        Path black = dir.resolve("black.v");
        TestImages.run("vips", "black", black.toString(), "2000", "2000", "--bands", "4");
        Path deep = dir.resolve("deep.v");
        Path cast = dir.resolve("cast.v");
        TestImages.run("vips", "cast", black.toString(), cast.toString(), "ushort");
        TestImages.run("vips", "copy", cast.toString(), deep.toString(), "--interpretation", "rgb16");
        Path interlaced16 = dir.resolve("interlaced16.png");
        TestImages.run("vips", "copy", deep.toString(), interlaced16 + "[interlace]");
        Path plain16 = dir.resolve("plain16.png");
        TestImages.run("vips", "copy", deep.toString(), plain16.toString());
        Path interlaced8 = dir.resolve("interlaced8.png");
        TestImages.run("vips", "copy", black.toString(), interlaced8 + "[interlace]");

        ImageRefusedException refused = assertThrows(ImageRefusedException.class,
                () -> fiveMegapixels.process(interlaced16, SIZES));
        assertEquals("interlaced image too large to decode: 2000x2000, 4 bands of 16 bits, needs 32.0 MB in memory at once"
                + " (an interlaced file is decoded whole); limit 20.0 MB", refused.reason());
        assertEquals(2000, fiveMegapixels.process(plain16, SIZES).width());
        assertEquals(2000, fiveMegapixels.process(interlaced8, SIZES).width());
    }

    @Test
    void zeroBytes() {
        assertEquals("unsupported format: empty file", refused(new byte[0]));
    }

    @Test
    void randomBytesAfterAJpegHeader() {
        byte[] bytes = new byte[8000];
        new Random(42).nextBytes(bytes);
        bytes[0] = (byte) 0xFF;
        bytes[1] = (byte) 0xD8;
        bytes[2] = (byte) 0xFF;
        String reason = refused(bytes);
        assertTrue(reason.startsWith("corrupt or truncated JPEG: "), reason);
    }

    @Test
    void pngHeaderClaiming100000By100000IsRefusedBeforeDecoding() {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        png.writeBytes(chunk("IHDR", ByteBuffer.allocate(13).putInt(100_000).putInt(100_000)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array()));
        png.writeBytes(chunk("IDAT", new byte[]{0x78, (byte) 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}));
        png.writeBytes(chunk("IEND", new byte[0]));

        String reason = refused(png.toByteArray());

        // Decoding 30 GB of pixels would have run out of memory long before a reason came back.
        assertEquals("image too large: 100000x100000 pixels (10000.0 MP; limit 100.0 MP)", reason);
    }

    @Test
    void truncatedPng() throws Exception {
        byte[] whole = Files.readAllBytes(png);
        String reason = refused(Arrays.copyOf(whole, whole.length / 2));
        assertTrue(reason.startsWith("corrupt or truncated PNG: "), reason);
    }

    @Test
    void heicWithABrokenBox() throws Exception {
        byte[] bytes = Files.readAllBytes(heic);
        // Keep the ftyp box, so it is still recognised as HEIC, and wreck the size of the next box (meta).
        int ftypSize = ByteBuffer.wrap(bytes, 0, 4).getInt();
        ByteBuffer.wrap(bytes, ftypSize, 4).putInt(0x7FFFFFF0);
        String reason = refused(bytes);
        assertTrue(reason.startsWith("corrupt or truncated HEIC/HEIF: "), reason);
    }

    @Test
    void heicWithGarbageInsideItsBoxes() throws Exception {
        byte[] bytes = Files.readAllBytes(heic);
        int ftypSize = ByteBuffer.wrap(bytes, 0, 4).getInt();
        Random random = new Random(7);
        for (int i = ftypSize + 8; i < Math.min(bytes.length, ftypSize + 600); i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        String reason = refused(bytes);
        assertTrue(reason.startsWith("corrupt or truncated HEIC/HEIF: "), reason);
    }

    @Test
    void aReasonNeverNamesTheServicesTemporaryCopy() throws Exception {
        byte[] whole = Files.readAllBytes(heic);
        Path copy = Files.createTempFile("original-0000-", "");
        try {
            Files.write(copy, Arrays.copyOf(whole, whole.length / 2));
            String reason = assertThrows(ImageRefusedException.class, () -> processor.process(copy, SIZES, null)).reason();
            assertTrue(reason.startsWith("corrupt or truncated HEIC/HEIF: "), reason);
            assertFalse(reason.contains(copy.getFileName().toString()), reason);
        } finally {
            Files.delete(copy);
        }
    }

    @Test
    void truncatedHeic() throws Exception {
        byte[] whole = Files.readAllBytes(heic);
        String reason = refused(Arrays.copyOf(whole, whole.length / 2));
        assertTrue(reason.startsWith("corrupt or truncated HEIC/HEIF: "), reason);
    }

    @Test
    void aTextFile() {
        assertEquals("unsupported format: text", refused("Dear photo frame,\nthis is not a photo.\n"
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void otherFormatsSayWhatTheyLookLike() {
        assertEquals("unsupported format: PDF", refused("%PDF-1.7\n%âãÏÓ\n".getBytes(StandardCharsets.ISO_8859_1)));
        assertEquals("unsupported format: SVG", refused("<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"
                .getBytes(StandardCharsets.UTF_8)));
        byte[] mp4 = new byte[64];
        ByteBuffer.wrap(mp4).putInt(24).put("ftypisom".getBytes(StandardCharsets.US_ASCII));
        assertEquals("unsupported format: video (isom)", refused(mp4));
        assertTrue(refused(new byte[]{0, 1, 2, 3, 4, 5}).startsWith("unsupported format: unknown binary data (starts with 00 01 02 03)"));
    }

    @Test
    void aHeicOfMorePixelsThanTheLimitIsRefusedFromItsHeader() throws Exception {
        // Beside libvips 8.18 a HEIC is decoded whole to be opened (HeifBridge): it must be refused first.
        long limit = 320L * 240;
        ImageProcessor small = new ImageProcessor(new ImagingOptions(limit, ImagingOptions.defaults().maxBytes(), 4,
                io.imgboard.preprocessor.imaging.vips.FailOn.TRUNCATED, 32, ImagingOptions.DEFAULT_VIPS_CONCURRENCY));
        ImageRefusedException e = assertThrows(ImageRefusedException.class, () -> small.process(heic, SIZES));
        assertTrue(e.reason().startsWith("image too large: "), e.reason());
    }

    @Test
    void moreBytesThanTheLimit() {
        ImageProcessor strict = new ImageProcessor(new ImagingOptions(ImagingOptions.DEFAULT_MAX_PIXELS, 1000, 4,
                io.imgboard.preprocessor.imaging.vips.FailOn.TRUNCATED, 32, ImagingOptions.DEFAULT_VIPS_CONCURRENCY));
        ImageRefusedException e = assertThrows(ImageRefusedException.class, () -> strict.process(jpeg, SIZES));
        assertTrue(e.reason().startsWith("file too large: "), e.reason());
    }

    @Test
    void aGoodFileStillWorksAfterAllThat() throws Exception {
        for (int i = 0; i < 3; i++) {
            refused(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0, 0, 0});
        }
        assertEquals(3, processor.process(jpeg, SIZES).renditions().size());
    }

    /**
     * libvips' error buffer is process-wide. A worker that cleared it before each call used to wipe
     * the message of another worker's failed call before that one copied it, so the photo was
     * refused as "vips_... failed" with no reason, or blamed on nothing. A successful call running
     * alongside must never take a failing call's words away.
     */
    @Test
    void aFailureKeepsItsReasonWhileAnotherWorkerIsBusy() throws Exception {
        byte[] whole = Files.readAllBytes(jpeg);
        byte[] truncated = Arrays.copyOf(whole, whole.length * 2 / 5);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<Integer> busy = pool.submit(() -> {
                int ok = 0;
                for (int i = 0; i < 30; i++) {
                    ok += processor.process(whole, List.of(new RenditionSize("s", 64, 64, 50))).renditions().size();
                }
                return ok;
            });
            java.util.concurrent.Future<List<String>> failing = pool.submit(() -> {
                List<String> reasons = new java.util.ArrayList<>();
                for (int i = 0; i < 30; i++) {
                    reasons.add(refused(truncated));
                }
                return reasons;
            });
            for (String reason : failing.get(5, java.util.concurrent.TimeUnit.MINUTES)) {
                assertTrue(reason.startsWith("corrupt or truncated JPEG: ")
                                && reason.toLowerCase(java.util.Locale.ROOT).contains("premature end of "),
                        reason);
            }
            assertEquals(30, busy.get(5, java.util.concurrent.TimeUnit.MINUTES));
        } finally {
            pool.shutdownNow();
        }
    }

    private static String refused(byte[] bytes) {
        return assertThrows(ImageRefusedException.class, () -> processor.process(bytes, SIZES)).reason();
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
    }
}
