package io.imgboard.preprocessor.imaging;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile file corpus of issue 12, decoded where the preprocessor decodes: every file is made
 * here from small vips-made pictures and byte surgery (nothing large is committed). Each row states
 * what must happen: refused with a reason a person understands (the one the ledger records as the
 * photo's failure), or made into renditions no larger than asked. After every row a good photo
 * must still go through, so a case that poisons the imaging core (libvips' global state, a worker)
 * fails here rather than on the next photo in production.
 */
class HostileFilesTest {
    static final List<RenditionSize> SIZES = ImageProcessorTest.DEFAULT_SIZES;
    /** What a refusal reason must never be: empty, or a bare libvips function name. */
    static final String UNHELPFUL = "(?s)\\s*|.*vips_\\w+ failed\\s*|.*Exception.*";

    @TempDir
    static Path dir;
    static ImageProcessor processor;
    /** The same core with a 1 MP limit: a small file that unpacks to more pixels is a decompression bomb to it. */
    static ImageProcessor small;
    static byte[] jpeg;
    static byte[] png;
    static byte[] webp;
    static byte[] gif;
    static byte[] tiff;
    static byte[] heic;

    @BeforeAll
    static void setUp() throws IOException {
        processor = new ImageProcessor(ImagingOptions.defaults());
        ImagingOptions d = ImagingOptions.defaults();
        small = new ImageProcessor(new ImagingOptions(1_000_000, d.maxBytes(), d.webpEffort(), d.failOn(),
                d.placeholderSize(), d.vipsConcurrency()));
        Path base = TestImages.photo(dir, "base.png", 320, 240, 7);
        jpeg = read(vips("copy", base, "b.jpg[Q=85]"));
        png = Files.readAllBytes(base);
        webp = read(vips("copy", base, "b.webp[Q=80]"));
        gif = read(vips("copy", base, "b.gif"));
        tiff = read(vips("copy", base, "b.tif"));
        heic = read(TestImages.heic(base, dir.resolve("b.heic")));
    }

    enum Outcome { REFUSED, PROCESSED }

    record Expect(Outcome outcome, String reasonPattern) {
        static Expect refused(String reasonPattern) {
            return new Expect(Outcome.REFUSED, reasonPattern);
        }

        static Expect processed() {
            return new Expect(Outcome.PROCESSED, null);
        }
    }

    static Arguments row(String name, Supplier<byte[]> bytes, Expect expect) {
        return Arguments.of(Named.of(name, bytes), expect);
    }

    static Arguments bomb(String name, Supplier<byte[]> bytes) {
        return Arguments.of(Named.of(name, bytes), new Expect(Outcome.REFUSED, "BOMB"));
    }

    static Stream<Arguments> cases() {
        String corrupt = "(corrupt or truncated|unsupported format|image too large).*";
        String tooLarge = "image too large: \\d+x\\d+ pixels.*";
        return Stream.of(
                row("zero bytes", () -> new byte[0], Expect.refused("unsupported format: empty file")),
                row("one byte", () -> new byte[]{(byte) 0xFF}, Expect.refused("unsupported format: .*")),
                row("JPEG cut at 10 %", () -> cut(jpeg, 10), Expect.refused(corrupt)),
                row("JPEG cut at 60 %", () -> cut(jpeg, 60), Expect.refused(corrupt)),
                row("JPEG cut after its header (SOI + APP0 only)", () -> Arrays.copyOf(jpeg, 20), Expect.refused(corrupt)),
                row("PNG cut at 10 %", () -> cut(png, 10), Expect.refused(corrupt)),
                row("PNG cut at 60 %", () -> cut(png, 60), Expect.refused(corrupt)),
                row("PNG signature only", () -> Arrays.copyOf(png, 8), Expect.refused(corrupt)),
                row("WebP cut at 10 %", () -> cut(webp, 10), Expect.refused(corrupt)),
                row("WebP cut at 60 %", () -> cut(webp, 60), Expect.refused(corrupt)),
                row("GIF cut at 10 %", () -> cut(gif, 10), Expect.refused(corrupt)),
                row("GIF cut at 60 %", () -> cut(gif, 60), Expect.refused(corrupt)),
                row("TIFF cut at 10 %", () -> cut(tiff, 10), Expect.refused(corrupt)),
                row("TIFF cut at 60 %", () -> cut(tiff, 60), Expect.refused(corrupt)),
                row("HEIC cut at 10 %", () -> cut(heic, 10), Expect.refused(corrupt)),
                row("HEIC cut at 60 %", () -> cut(heic, 60), Expect.refused(corrupt)),
                row("JPEG with a wrong magic (FF D8 → 00 D8)", () -> patch(jpeg, 0, (byte) 0), Expect.refused("unsupported format: .*")),
                row("PNG with a wrong magic (\\x89PNG → \\x89PNX)", () -> patch(png, 3, (byte) 'X'), Expect.refused("unsupported format: .*")),
                row("GIF with a wrong magic (GIF89a → GIF00a)", () -> patch(patch(gif, 3, (byte) '0'), 4, (byte) '0'),
                        Expect.refused("(unsupported format|corrupt or truncated).*")),
                row("RIFF header around nothing (WEBP tag, no chunks)", () -> riff(new byte[0]), Expect.refused(corrupt)),
                row("random bytes", () -> random(4096, 1), Expect.refused("unsupported format: unknown binary data.*")),
                row("a text file", () -> "just some words, not a photo\n".repeat(40).getBytes(StandardCharsets.UTF_8),
                        Expect.refused("unsupported format: text")),
                row("HTML", () -> "<!DOCTYPE html><html><script>alert(1)</script></html>".getBytes(StandardCharsets.UTF_8),
                        Expect.refused("unsupported format: .*")),
                row("SVG with an XXE entity", () -> ("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                        + "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>&x;</text></svg>").getBytes(StandardCharsets.UTF_8),
                        Expect.refused("unsupported format: SVG")),
                row("polyglot: JPEG with a ZIP appended", () -> concat(jpeg, zip()), Expect.processed()),
                row("polyglot: JPEG with HTML in a COM segment", () -> withSegment(jpeg, 0xFE,
                        "<html><script>alert(document.cookie)</script></html>".getBytes(StandardCharsets.US_ASCII)), Expect.processed()),
                row("polyglot: GIF whose header is also JavaScript (GIF89a/*…*/=1;)", HostileFilesTest::gifJs,
                        Expect.refused("(corrupt or truncated|unsupported format|image too large).*")),
                row("polyglot: PDF header in front of a JPEG", () -> concat("%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII), jpeg),
                        Expect.refused("unsupported format: PDF")),
                row("PNG claiming 65535x65535", () -> pngDims(png, 65535, 65535), Expect.refused(tooLarge)),
                // libjpeg stops at 65500 before our pixel check sees the header, and says so
                row("JPEG claiming 65535x65535", () -> jpegDims(jpeg, 65535, 65535),
                        Expect.refused("corrupt or truncated JPEG: .*Maximum supported image dimension is 65500 pixels")),
                row("GIF claiming 65535x65535", () -> gifDims(gif, 65535, 65535), Expect.refused(tooLarge)),
                row("WebP (VP8) claiming 16383x16383", () -> webpDims(webp, 16383, 16383),
                        Expect.refused("(image too large: .*|corrupt or truncated WebP: .*)")),
                row("TIFF claiming 65535x65535", () -> tiffDims(tiff, 65535, 65535), Expect.refused(tooLarge)),
                row("HEIC claiming 65535x65535 (ispe)", () -> heicDims(heic, 65535, 65535),
                        Expect.refused("(image too large|corrupt or truncated).*")),
                row("PNG claiming 0x0", () -> pngDims(png, 0, 0), Expect.refused("corrupt or truncated PNG: .*")),
                row("JPEG claiming 0x0", () -> jpegDims(jpeg, 0, 0), Expect.refused(corrupt)),
                bomb("decompression bomb: PNG 1500x1000 of black", () -> made("black", "png", 1500, 1000)),
                bomb("decompression bomb: JPEG 1500x1000 of black", () -> made("black", "jpg", 1500, 1000)),
                bomb("decompression bomb: WebP 1500x1000 of black", () -> made("black", "webp", 1500, 1000)),
                bomb("decompression bomb: GIF 1500x1000 of black", () -> made("black", "gif", 1500, 1000)),
                bomb("decompression bomb: TIFF (deflate) 1500x1000 of black", () -> made("black", "tif[compression=deflate]", 1500, 1000)),
                bomb("decompression bomb: HEIC 1500x1000 of black", () -> read(TestImages.heic(path(made("black", "png", 1500, 1000), "bomb.png"),
                        dir.resolve("bomb.heic")))),
                row("PNG with an iCCP profile that inflates to 64 MB", () -> pngChunk(png, "iCCP", iccpBomb()), Expect.processed()),
                row("JPEG with 40 ICC_PROFILE segments claiming 255 parts", () -> iccSegments(jpeg, 40), Expect.processed()),
                row("JPEG with an ICC profile claiming 2^31 bytes and 100000 tags", () -> withSegment(jpeg, 0xE2, iccHuge()), Expect.processed()),
                row("JPEG with 3 MB of EXIF in 48 APP1 segments", () -> exifSegments(jpeg, 48), Expect.processed()),
                row("JPEG whose EXIF IFD claims 65535 entries", () -> withSegment(jpeg, 0xE1, exifManyEntries()), Expect.processed()),
                row("JPEG whose EXIF IFD points at itself", () -> withSegment(jpeg, 0xE1, exifLoop()), Expect.processed()),
                // Damaged entropy-coded data: libjpeg only warns and decodes noise and grey where the data is
                // lost. A frame would show that on the wall: refused with libjpeg's reason, the original kept.
                row("JPEG with random bytes in its scan data", () -> scramble(jpeg),
                        Expect.refused("corrupt or truncated JPEG: .*Corrupt JPEG data: .*")),
                row("PNG with a wrong IDAT checksum", () -> pngBadCrc(png), Expect.refused(corrupt)),
                row("animated GIF with 3000 frames", () -> animatedGif(3000), Expect.processed()),
                // 16 MP a frame is allowed; only the first frame is decoded, so 3000 of them cost nothing
                row("GIF with 3000 frames of 4000x4000", () -> animatedGifHuge(3000), Expect.processed()),
                row("CMYK JPEG", () -> made("cmyk", "jpg", 300, 200), Expect.processed()),
                row("CMYK TIFF", () -> made("cmyk", "tif", 300, 200), Expect.processed()),
                row("16-bit RGB TIFF", () -> made("rgb16", "tif", 300, 200), Expect.processed()),
                row("16-bit greyscale PNG", () -> made("grey16", "png", 300, 200), Expect.processed()),
                row("16-bit RGB PNG", () -> made("rgb16", "png", 300, 200), Expect.processed()),
                row("TIFF with 500 pages", () -> made("pages", "tif", 64, 64 * 500), Expect.processed()),
                row("1x60000 strip JPEG", () -> made("strip", "jpg", 1, 60000), Expect.processed()),
                row("60000x1 strip PNG", () -> made("strip", "png", 60000, 1), Expect.processed()),
                row("float TIFF with values far outside 0-255", HostileFilesTest::floatTiff, Expect.processed()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aHostileFileIsRefusedWithAReasonOrMadeSafely(Supplier<byte[]> bytes, Expect expect) throws Exception {
        byte[] file = bytes.get();
        if (expect.reasonPattern() != null && expect.reasonPattern().equals("BOMB")) {
            assertTrue(file.length < 300_000, "a bomb is small: " + file.length + " bytes");
            String reason = assertThrows(ImageRefusedException.class, () -> small.process(file, SIZES)).reason();
            assertTrue(reason.matches("image too large: 1500x1000 pixels \\(1\\.5 MP; limit 1\\.0 MP\\)"), reason);
        } else if (expect.outcome() == Outcome.REFUSED) {
            String reason = assertThrows(ImageRefusedException.class, () -> processor.process(file, SIZES)).reason();
            assertFalse(reason.matches(UNHELPFUL), "not a reason for a person: " + reason);
            assertTrue(reason.matches(expect.reasonPattern()), reason);
        } else {
            ProcessedImage made = processor.process(file, SIZES);
            assertEquals(SIZES.size(), made.renditions().size());
            assertTrue(made.width() > 0 && made.height() > 0, made.width() + "x" + made.height());
            for (EncodedRendition r : made.renditions()) {
                assertTrue(r.webp().length > 0 && r.width() > 0 && r.height() > 0, r.name());
            }
        }
        // and the next good photo still goes through
        assertEquals(SIZES.size(), processor.process(jpeg, SIZES).renditions().size());
    }

    // --- making the files ----------------------------------------------------------------------

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path path(byte[] bytes, String name) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path vips(String op, Path in, String out) {
        TestImages.run("vips", op, in.toString(), dir.resolve(out).toString());
        return dir.resolve(out.replaceAll("\\[.*", ""));
    }

    /** Pictures made by the vips CLI: {@code kind} black, cmyk, rgb16, grey16, strip, pages. */
    static byte[] made(String kind, String format, int width, int height) {
        String stem = kind + "-" + width + "x" + height;
        String out = dir.resolve(stem + "." + format).toString();
        String plain = out.replaceAll("\\[.*", "");
        String v = dir.resolve(stem + ".v").toString();
        switch (kind) {
            case "black" -> TestImages.run("vips", "black", out, "" + width, "" + height, "--bands", "3");
            case "strip", "pages" -> {
                TestImages.run("vips", "gaussnoise", v, "" + width, "" + height, "--mean", "128", "--sigma", "40");
                TestImages.run("vips", "cast", v, dir.resolve(stem + "-u.v").toString(), "uchar");
                if (kind.equals("pages")) {
                    TestImages.run("vips", "copy", dir.resolve(stem + "-u.v").toString(), out + "[page-height=" + width + "]");
                } else {
                    TestImages.run("vips", "copy", dir.resolve(stem + "-u.v").toString(), out);
                }
            }
            default -> {
                Path base = dir.resolve("base.png");
                String interpretation = switch (kind) {
                    case "cmyk" -> "cmyk";
                    case "rgb16" -> "rgb16";
                    case "grey16" -> "grey16";
                    default -> throw new IllegalArgumentException(kind);
                };
                TestImages.run("vips", "colourspace", base.toString(), out, interpretation);
            }
        }
        return read(Path.of(plain));
    }

    static byte[] cut(byte[] bytes, int percent) {
        return Arrays.copyOf(bytes, bytes.length * percent / 100);
    }

    static byte[] patch(byte[] bytes, int at, byte value) {
        byte[] copy = bytes.clone();
        copy[at] = value;
        return copy;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] random(int length, long seed) {
        byte[] b = new byte[length];
        new java.util.Random(seed).nextBytes(b);
        b[0] = 0x13; // not a magic number of anything
        return b;
    }

    static byte[] riff(byte[] body) {
        return ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN).put("RIFF".getBytes(StandardCharsets.US_ASCII))
                .putInt(4 + body.length).put("WEBP".getBytes(StandardCharsets.US_ASCII)).put(body).array();
    }

    static byte[] zip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
            z.putNextEntry(new java.util.zip.ZipEntry("../../evil.sh"));
            z.write("#!/bin/sh\necho owned\n".getBytes(StandardCharsets.US_ASCII));
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Inserts a segment right after the JPEG's SOI marker. */
    static byte[] withSegment(byte[] jpeg, int marker, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        int offset = 0;
        while (offset < payload.length || offset == 0) {
            int n = Math.min(65533, payload.length - offset);
            out.write(0xFF);
            out.write(marker);
            out.write((n + 2) >> 8);
            out.write((n + 2) & 0xFF);
            out.write(payload, offset, n);
            offset += n;
            if (n == 0) {
                break;
            }
        }
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static byte[] iccSegments(byte[] jpeg, int count) {
        byte[] result = jpeg;
        for (int i = count; i >= 1; i--) {
            byte[] payload = new byte[14 + 60000];
            System.arraycopy("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII), 0, payload, 0, 12);
            payload[12] = (byte) i;
            payload[13] = (byte) 255;
            new java.util.Random(i).nextBytes(Arrays.copyOfRange(payload, 14, payload.length));
            result = withSegment(result, 0xE2, payload);
        }
        return result;
    }

    static byte[] iccHuge() {
        ByteBuffer b = ByteBuffer.allocate(14 + 132 + 12 * 16);
        b.put("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 1);
        b.putInt(Integer.MAX_VALUE); // profile size
        b.put(new byte[32]);
        b.put("acsp".getBytes(StandardCharsets.US_ASCII), 0, 4);
        b.position(14 + 128);
        b.putInt(100_000); // tag count
        while (b.hasRemaining()) {
            b.putInt(0x72545243).putInt(0x7FFFFFF0).putInt(0x7FFFFFF0); // rTRC far beyond the data
        }
        return b.array();
    }

    static byte[] exifSegments(byte[] jpeg, int count) {
        byte[] result = jpeg;
        for (int i = 0; i < count; i++) {
            byte[] payload = new byte[65000];
            System.arraycopy("Exif\0\0II*\0\u0008\0\0\0".getBytes(StandardCharsets.ISO_8859_1), 0, payload, 0, 14);
            result = withSegment(result, 0xE1, payload);
        }
        return result;
    }

    static byte[] exifManyEntries() {
        ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 * 1000).order(ByteOrder.LITTLE_ENDIAN);
        b.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII)).put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        b.putShort((short) 0xFFFF);
        while (b.remaining() >= 12) {
            b.putShort((short) 0x010E).putShort((short) 2).putInt(0x7FFFFFFF).putInt(0x7FFFFFF0); // a 2 GB description, elsewhere
        }
        return b.array();
    }

    static byte[] exifLoop() {
        ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 * 2 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put("Exif\0\0".getBytes(StandardCharsets.US_ASCII)).put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        b.putShort((short) 2);
        b.putShort((short) 0x8769).putShort((short) 4).putInt(1).putInt(8); // ExifIFD → the same IFD
        b.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(8); // GPS IFD → the same IFD
        b.putInt(8); // next IFD: itself
        return b.array();
    }

    static byte[] scramble(byte[] jpeg) {
        byte[] copy = jpeg.clone();
        int sos = indexOf(copy, new byte[]{(byte) 0xFF, (byte) 0xDA}, 2);
        java.util.Random r = new java.util.Random(3);
        for (int i = sos + 40; i < copy.length - 2; i += 3) {
            copy[i] = (byte) r.nextInt();
        }
        return copy;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }

    static byte[] pngDims(byte[] png, int width, int height) {
        byte[] copy = png.clone();
        ByteBuffer.wrap(copy, 16, 8).putInt(width).putInt(height);
        CRC32 crc = new CRC32();
        crc.update(copy, 12, 17);
        ByteBuffer.wrap(copy, 29, 4).putInt((int) crc.getValue());
        return copy;
    }

    static byte[] pngBadCrc(byte[] png) {
        byte[] copy = png.clone();
        int idat = indexOf(copy, "IDAT".getBytes(StandardCharsets.US_ASCII), 8);
        int length = ByteBuffer.wrap(copy, idat - 4, 4).getInt();
        copy[idat + 4 + length] ^= 0x55;
        copy[idat + 4 + length / 2] ^= 0x55;
        return copy;
    }

    /** Inserts a chunk right after IHDR. */
    static byte[] pngChunk(byte[] png, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        byte[] chunk = ByteBuffer.allocate(12 + data.length).putInt(data.length).put(typeBytes).put(data)
                .putInt((int) crc.getValue()).array();
        return concat(Arrays.copyOf(png, 33), chunk, Arrays.copyOfRange(png, 33, png.length));
    }

    static byte[] iccpBomb() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("bomb\0\0".getBytes(StandardCharsets.US_ASCII)); // name, NUL, compression method 0
        Deflater deflater = new Deflater(9);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        for (int i = 0; i < 64; i++) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    static byte[] jpegDims(byte[] jpeg, int width, int height) {
        byte[] copy = jpeg.clone();
        for (int i = 2; i < copy.length - 9; i++) {
            int m = copy[i + 1] & 0xFF;
            if ((copy[i] & 0xFF) == 0xFF && (m == 0xC0 || m == 0xC1 || m == 0xC2)) {
                ByteBuffer.wrap(copy, i + 5, 4).putShort((short) height).putShort((short) width);
                return copy;
            }
        }
        throw new IllegalStateException("no SOF");
    }

    static byte[] gifDims(byte[] gif, int width, int height) {
        byte[] copy = gif.clone();
        ByteBuffer.wrap(copy, 6, 4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) width).putShort((short) height);
        int descriptor = indexOf(copy, new byte[]{0x2C}, 13);
        ByteBuffer.wrap(copy, descriptor + 5, 4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) width).putShort((short) height);
        return copy;
    }

    static byte[] webpDims(byte[] webp, int width, int height) {
        byte[] copy = webp.clone();
        int vp8 = indexOf(copy, "VP8 ".getBytes(StandardCharsets.US_ASCII), 12);
        // frame tag (3) + start code 9D 01 2A (3), then 14-bit width and height
        ByteBuffer.wrap(copy, vp8 + 8 + 6, 4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) width).putShort((short) height);
        return copy;
    }

    static byte[] tiffDims(byte[] tiff, int width, int height) {
        byte[] copy = tiff.clone();
        boolean little = copy[0] == 'I';
        ByteBuffer b = ByteBuffer.wrap(copy).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = b.getInt(4);
        int entries = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + 12 * i;
            int tag = b.getShort(e) & 0xFFFF;
            int type = b.getShort(e + 2);
            if (tag == 256 || tag == 257) {
                int value = tag == 256 ? width : height;
                if (type == 3) {
                    b.putShort(e + 8, (short) value);
                } else {
                    b.putInt(e + 8, value);
                }
            }
        }
        return copy;
    }

    static byte[] heicDims(byte[] heic, int width, int height) {
        byte[] copy = heic.clone();
        int at = 0;
        boolean found = false;
        while (true) {
            try {
                at = indexOf(copy, "ispe".getBytes(StandardCharsets.US_ASCII), at + 1);
            } catch (IllegalStateException e) {
                break;
            }
            ByteBuffer.wrap(copy, at + 8, 8).putInt(width).putInt(height); // after type + version/flags
            found = true;
        }
        if (!found) {
            throw new IllegalStateException("no ispe box");
        }
        return copy;
    }

    static byte[] gifJs() {
        return "GIF89a/*\u0001\u0000\u0000\u0000\u0000*/=1;alert(document.domain);".getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] floatTiff() {
        String v = dir.resolve("float.v").toString();
        TestImages.run("vips", "gaussnoise", v, "200", "150", "--mean", "0", "--sigma", "1000000");
        TestImages.run("vips", "copy", v, dir.resolve("float.tif").toString());
        return read(dir.resolve("float.tif"));
    }

    static byte[] animatedGif(int frames) {
        return gif(frames, 8, 8);
    }

    static byte[] animatedGifHuge(int frames) {
        return gif(frames, 4000, 4000);
    }

    /** A GIF written by hand: a 2-colour palette and {@code frames} 1x1 frames on a width x height screen. */
    static byte[] gif(int frames, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) width).putShort((short) height).array());
        out.writeBytes(new byte[]{(byte) 0x80, 0, 0, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
        // NETSCAPE loop extension
        out.writeBytes(new byte[]{0x21, (byte) 0xFF, 0x0B});
        out.writeBytes("NETSCAPE2.0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[]{3, 1, 0, 0, 0});
        for (int i = 0; i < frames; i++) {
            out.writeBytes(new byte[]{0x21, (byte) 0xF9, 4, 0, 1, 0, 0, 0}); // graphic control: 10 ms
            out.writeBytes(new byte[]{0x2C});
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) (i % width)).putShort((short) 0)
                    .putShort((short) 1).putShort((short) 1).array());
            out.writeBytes(new byte[]{0, 2, 2, 0x4C, 0x01, 0}); // LZW min 2: clear, index (i%2), end
        }
        out.write(0x3B);
        return out.toByteArray();
    }
}
