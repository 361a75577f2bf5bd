package io.imgboard.preprocessor.imaging;

import io.imgboard.preprocessor.imaging.vips.LoadOptions;
import io.imgboard.preprocessor.imaging.vips.Loader;
import io.imgboard.preprocessor.imaging.vips.NativeBytes;
import io.imgboard.preprocessor.imaging.vips.VipsImage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The imaging core against the real libvips, with images made by the real tools. */
class ImageProcessorTest {
    static final List<RenditionSize> DEFAULT_SIZES = List.of(
            RenditionSize.parse("display=1920x1080@82"),
            RenditionSize.parse("uhd=3840x2160@82"),
            RenditionSize.parse("thumb=480x480@75"));

    @TempDir
    static Path dir;

    static ImageProcessor processor;
    static Path photo;

    @BeforeAll
    static void setUp() {
        processor = new ImageProcessor(ImagingOptions.defaults());
        photo = TestImages.photo(dir, "photo.jpg[Q=90]", 1200, 900, 7);
    }

    @Test
    void iphonePortraitWithOrientation6ComesOutPortraitInEveryRendition() throws Exception {
        Path sideways = TestImages.photo(dir, "sideways.jpg[Q=85]", 4032, 3024, 11);
        TestImages.exif(sideways, "-Orientation#=6");

        ProcessedImage result = processor.process(sideways, DEFAULT_SIZES);

        assertEquals(3024, result.width());
        assertEquals(4032, result.height());
        assertEquals(ImageFormat.JPEG, result.format());
        Map<String, EncodedRendition> byName = byName(result);
        assertSize(byName.get("display"), 810, 1080);
        assertSize(byName.get("uhd"), 1620, 2160);
        assertSize(byName.get("thumb"), 360, 480);
        for (EncodedRendition rendition : result.renditions()) {
            BufferedImage decoded = TestImages.decode(rendition.webp(), dir);
            assertTrue(decoded.getHeight() > decoded.getWidth(), rendition.name() + " is not portrait");
            assertEquals(rendition.width(), decoded.getWidth());
            assertEquals(rendition.height(), decoded.getHeight());
        }
    }

    @Test
    void aRenderPoolEncodesAllButTheLargestRenditionBesideTheCallerAndChangesNothingInTheResult() throws Exception {
        java.util.concurrent.atomic.AtomicInteger submitted = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Set<String> poolThreads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.ExecutorService pool = new java.util.concurrent.ThreadPoolExecutor(2, 2, 0,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>()) {
            @Override
            public <T> java.util.concurrent.Future<T> submit(java.util.concurrent.Callable<T> task) {
                submitted.incrementAndGet();
                return super.submit(() -> {
                    poolThreads.add(Thread.currentThread().getName());
                    return task.call();
                });
            }
        };
        try {
            Path sideways = TestImages.photo(dir, "pooled.jpg[Q=85]", 4032, 3024, 5);
            TestImages.exif(sideways, "-Orientation#=6");

            ProcessedImage alone = processor.process(sideways, DEFAULT_SIZES);
            ProcessedImage pooled = new ImageProcessor(ImagingOptions.defaults(), pool).process(sideways, DEFAULT_SIZES);

            assertEquals(2, submitted.get(), "display and thumb go to the pool, uhd stays with the caller");
            assertFalse(poolThreads.isEmpty());
            assertFalse(poolThreads.contains(Thread.currentThread().getName()));
            assertEquals(alone.perceptualHash(), pooled.perceptualHash());
            assertEquals(alone.placeholder(), pooled.placeholder());
            assertEquals(List.of("display", "uhd", "thumb"), pooled.renditions().stream().map(EncodedRendition::name).toList());
            for (int i = 0; i < DEFAULT_SIZES.size(); i++) {
                EncodedRendition a = alone.renditions().get(i);
                EncodedRendition b = pooled.renditions().get(i);
                assertSize(b, a.width(), a.height());
                assertArrayEquals(a.webp(), b.webp(), b.name() + " differs when encoded on the pool");
                assertFalse(b.finishedAt().isBefore(b.startedAt()));
                assertFalse(b.startedAt().isBefore(pooled.resizedAt()));
            }
            assertSize(pooled.renditions().get(0), 810, 1080);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * An upright 300×200 picture with a white top-left and a grey top-right quadrant, stored the
     * way a camera with each EXIF orientation would store it. Two corners and the aspect ratio pin
     * down all eight transforms.
     */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyExifOrientationComesOutUpright(int orientation) throws Exception {
        Path stored = orientedQuadrants(orientation);

        assertUpright(processor.process(stored, List.of(RenditionSize.parse("r=480x480@90"))), "orientation " + orientation);
    }

    /**
     * An iPhone HEIC: the picture stored sensor-side up, an {@code irot} box to turn it, and EXIF
     * Orientation 6 saying the same. libheif turns it by the box; the EXIF tag must not turn it again.
     * A HEIC with the EXIF tag and no box stays as stored, as libheif and libvips show it (HEIF puts
     * its own transforms above EXIF's).
     */
    @Test
    void anIphoneHeicIsTurnedByItsIrotBoxOnceNotAgainByItsExifOrientation() throws Exception {
        Path jpeg = orientedQuadrants(6); // stored 200x300, EXIF Orientation 6
        Path tagged = dir.resolve("tagged-6.heic");
        TestImages.run("heif-enc", "-q", "90", "-o", tagged.toString(), jpeg.toString()); // keeps the EXIF
        Path iphone = TestImages.withIrot(tagged, dir.resolve("iphone-6.heic"), 3); // 270° anticlockwise

        assertUpright(processor.process(iphone, List.of(RenditionSize.parse("r=480x480@90"))), "irot 270 and EXIF 6");
        ProcessedImage asStored = processor.process(tagged, List.of(RenditionSize.parse("r=480x480@90")));
        assertEquals(200, asStored.width(), "EXIF orientation alone does not turn a HEIF");
        assertEquals(300, asStored.height());
    }

    /** The picture of {@link #orientedQuadrants} upright in {@code result}'s one 300×200 rendition. */
    private static void assertUpright(ProcessedImage result, String what) {
        assertEquals(300, result.width(), what);
        assertEquals(200, result.height(), what);
        EncodedRendition rendition = result.renditions().get(0);
        assertSize(rendition, 300, 200);
        BufferedImage image = TestImages.decode(rendition.webp(), dir);
        double topLeft = TestImages.mean(image, 0.1, 0.1, 0.4, 0.4);
        double topRight = TestImages.mean(image, 0.6, 0.1, 0.9, 0.4);
        double bottomLeft = TestImages.mean(image, 0.1, 0.6, 0.4, 0.9);
        double bottomRight = TestImages.mean(image, 0.6, 0.6, 0.9, 0.9);
        String where = what + ": TL " + topLeft + " TR " + topRight + " BL " + bottomLeft + " BR " + bottomRight;
        assertTrue(topLeft > 235, where);
        assertTrue(topRight > 108 && topRight < 148, where);
        assertTrue(bottomLeft < 20 && bottomRight < 20, where);
    }

    private static Path orientedQuadrants(int orientation) {
        return orientedQuadrants(orientation, 150, 100);
    }

    /** As above, each quadrant {@code width}×{@code height}. */
    private static Path orientedQuadrants(int orientation, int width, int height) {
        Path work = dir.resolve("orient-" + orientation + "-" + width + "x" + height);
        String w = work.resolve("w.v").toString();
        String g = work.resolve("g.v").toString();
        String k = work.resolve("k.v").toString();
        String upright = work.resolve("upright.v").toString();
        String step = work.resolve("step.v").toString();
        String stored = work.resolve("stored.v").toString();
        try {
            Files.createDirectories(work);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        TestImages.run("vips", "black", k, "" + width, "" + height, "--bands", "3");
        TestImages.run("vips", "linear", k, w, "1", "255", "--uchar");
        TestImages.run("vips", "linear", k, g, "1", "128", "--uchar");
        TestImages.run("vips", "arrayjoin", w + " " + g + " " + k + " " + k, upright, "--across", "2");
        // The stored pixels are the inverse of what the tag tells a viewer to do.
        switch (orientation) {
            case 1 -> TestImages.run("vips", "copy", upright, stored);
            case 2 -> TestImages.run("vips", "flip", upright, stored, "horizontal");
            case 3 -> TestImages.run("vips", "rot", upright, stored, "d180");
            case 4 -> TestImages.run("vips", "flip", upright, stored, "vertical");
            case 5 -> { // transpose
                TestImages.run("vips", "rot", upright, step, "d90");
                TestImages.run("vips", "flip", step, stored, "horizontal");
            }
            case 6 -> TestImages.run("vips", "rot", upright, stored, "d270");
            case 7 -> { // transverse
                TestImages.run("vips", "rot", upright, step, "d270");
                TestImages.run("vips", "flip", step, stored, "horizontal");
            }
            case 8 -> TestImages.run("vips", "rot", upright, stored, "d90");
            default -> throw new IllegalArgumentException("orientation " + orientation);
        }
        Path jpeg = work.resolve("oriented-" + orientation + ".jpg");
        TestImages.run("vips", "copy", stored, jpeg + "[Q=95]", "--interpretation", "srgb");
        return TestImages.exif(jpeg, "-Orientation#=" + orientation);
    }

    @Test
    void aSmallImageIsNeverEnlarged() throws Exception {
        Path small = TestImages.photo(dir, "small.png", 640, 480, 3);

        ProcessedImage result = processor.process(small, DEFAULT_SIZES);

        Map<String, EncodedRendition> byName = byName(result);
        assertSize(byName.get("display"), 640, 480);
        assertSize(byName.get("uhd"), 640, 480);
        assertSize(byName.get("thumb"), 480, 360);
        assertEquals(ImageFormat.PNG, result.format());
    }

    @Test
    void outputIsWebpWithoutAnyMetadataButCaptureFactsAreExtracted() throws Exception {
        Path tagged = TestImages.photo(dir, "tagged.jpg[Q=90]", 1600, 1200, 5);
        TestImages.exif(tagged,
                "-GPSLatitude=48.8584", "-GPSLatitudeRef=N", "-GPSLongitude=2.2945", "-GPSLongitudeRef=E",
                "-Artist=Jane Privacy", "-XMP-dc:Creator=Jane Privacy", "-IPTC:By-line=Jane Privacy",
                "-DateTimeOriginal=2026:08:01 12:42:07", "-OffsetTimeOriginal=+02:00",
                "-Make=Apple", "-Model=iPhone 15", "-Orientation#=1");
        assertTrue(TestImages.run("exiftool", "-GPSLatitude", tagged.toString()).contains("48"),
                "the fixture itself must carry GPS");

        ProcessedImage result = processor.process(tagged, DEFAULT_SIZES);

        CaptureInfo capture = result.capture();
        assertNotNull(capture);
        assertEquals(Instant.parse("2026-08-01T10:42:07Z"), capture.capturedAt());
        assertEquals("2026-08-01T12:42:07", capture.localTime());
        assertEquals("+02:00", capture.offset());
        assertEquals("Apple", capture.cameraMake());
        assertEquals("iPhone 15", capture.cameraModel());

        for (EncodedRendition rendition : result.renditions()) {
            byte[] webp = rendition.webp();
            assertEquals("RIFF", new String(webp, 0, 4, StandardCharsets.US_ASCII));
            assertEquals("WEBP", new String(webp, 8, 4, StandardCharsets.US_ASCII));
            Path out = dir.resolve("tagged-" + rendition.name() + ".webp");
            Files.write(out, webp);
            List<String> fields = TestImages.vipsFields(out);
            assertTrue(fields.stream().noneMatch(f -> f.startsWith("exif-") || f.startsWith("xmp-")
                    || f.startsWith("iptc-") || f.startsWith("icc-") || f.equals("orientation")),
                    rendition.name() + " still has metadata: " + fields);
            assertEquals("", TestImages.run("exiftool", "-q", "-q", "-GPS:all", "-EXIF:all", "-XMP:all",
                    "-IPTC:all", out.toString()).strip(), rendition.name() + " metadata seen by exiftool");
            assertFalse(new String(webp, StandardCharsets.ISO_8859_1).contains("Jane Privacy"));
        }
        assertTrue(result.placeholder().startsWith("data:image/webp;base64,"));
    }

    @Test
    void aDisplayP3PhotoComesOutInSrgb() throws Exception {
        // A flat sRGB colour, converted to Display P3 pixel values with the P3 profile embedded.
        Path work = Files.createDirectories(dir.resolve("p3"));
        String black = work.resolve("b.v").toString();
        String colour = work.resolve("c.v").toString();
        String srgb = work.resolve("srgb.v").toString();
        String p3 = work.resolve("p3.v").toString();
        Path jpeg = work.resolve("p3.jpg");
        TestImages.run("vips", "black", black, "200", "200", "--bands", "3");
        TestImages.run("vips", "linear", black, colour, "1 1 1", "200 100 50", "--uchar");
        TestImages.run("vips", "copy", colour, srgb, "--interpretation", "srgb");
        TestImages.run("vips", "icc_transform", srgb, p3, "p3", "--input-profile", "srgb");
        TestImages.run("vips", "copy", p3, jpeg + "[Q=95]");
        String stored = TestImages.run("vips", "getpoint", jpeg.toString(), "100", "100").strip();
        assertFalse(stored.startsWith("200 100 50"), "the fixture must hold P3 values, has " + stored);

        ProcessedImage result = processor.process(jpeg, List.of(RenditionSize.parse("r=100x100@95")));

        BufferedImage image = TestImages.decode(result.renditions().get(0).webp(), dir);
        int rgb = image.getRGB(50, 50);
        int[] got = {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF};
        int[] want = {200, 100, 50};
        for (int i = 0; i < 3; i++) {
            assertTrue(Math.abs(got[i] - want[i]) <= 4, "sRGB " + Arrays.toString(got) + ", want " + Arrays.toString(want)
                    + " (stored P3 " + stored + ")");
        }
    }

    @Test
    void heicDecodesAndHashesLikeTheSameJpeg() throws Exception {
        Path heic = TestImages.heic(photo, dir.resolve("photo.heic"));

        ProcessedImage fromHeic = processor.process(heic, DEFAULT_SIZES);
        ProcessedImage fromJpeg = processor.process(photo, DEFAULT_SIZES);

        assertEquals(ImageFormat.HEIF, fromHeic.format());
        assertEquals(1200, fromHeic.width());
        assertEquals(900, fromHeic.height());
        assertSize(byName(fromHeic).get("thumb"), 480, 360);
        int distance = PerceptualHash.distance(fromHeic.perceptualHash(), fromJpeg.perceptualHash());
        assertTrue(distance <= 8, "same photo as HEIC and JPEG differs in " + distance + " bits");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png", "webp", "tif", "gif", "avif", "heic"})
    void everyAcceptedFormatDecodes(String suffix) throws Exception {
        Path file = suffix.equals("heic")
                ? TestImages.heic(TestImages.photo(dir, "formats-source.png", 600, 400, 41), dir.resolve("formats.heic"))
                : TestImages.photo(dir, "formats." + suffix, 600, 400, 41);

        ProcessedImage result = processor.process(file, List.of(RenditionSize.parse("r=300x300@80")));

        assertEquals(600, result.width(), suffix);
        assertEquals(400, result.height(), suffix);
        assertSize(result.renditions().get(0), 300, 200);
        String expected = switch (suffix) {
            case "jpg" -> "jpeg";
            case "tif" -> "tiff";
            case "heic" -> "heif";
            default -> suffix;
        };
        assertEquals(expected, result.format().id());
    }

    @Test
    void differentPhotosHashFarApart() throws Exception {
        Path other = TestImages.photo(dir, "other.jpg[Q=90]", 1200, 900, 99);

        String a = processor.process(photo, DEFAULT_SIZES).perceptualHash();
        String b = processor.process(other, DEFAULT_SIZES).perceptualHash();

        assertTrue(a.matches("[0-9a-f]{16}"), a);
        int distance = PerceptualHash.distance(a, b);
        assertTrue(distance >= 20, "different photos differ in only " + distance + " bits");
    }

    @Test
    void bytesInNativeMemoryGiveTheSameResultAsTheFile() throws Exception {
        byte[] bytes = Files.readAllBytes(photo);

        ProcessedImage fromBytes = processor.process(bytes, DEFAULT_SIZES);
        ProcessedImage fromFile = processor.process(photo, DEFAULT_SIZES);

        assertEquals(fromFile.perceptualHash(), fromBytes.perceptualHash());
        assertEquals(fromFile.renditions().size(), fromBytes.renditions().size());
        for (int i = 0; i < fromFile.renditions().size(); i++) {
            assertSize(fromBytes.renditions().get(i), fromFile.renditions().get(i).width(),
                    fromFile.renditions().get(i).height());
        }
    }

    /** FIELD-NOTES crash trap: the input must outlive the lazily decoded image, even after its owner let go. */
    @Test
    void anImageKeepsItsNativeInputAliveAfterTheOwnerClosedIt() throws Exception {
        byte[] bytes = Files.readAllBytes(photo);
        byte[] pixels;
        try (VipsImage image = openAndLetGo(bytes)) {
            for (int i = 0; i < 5; i++) {
                System.gc();
            }
            try (VipsImage small = image.resize(0.1, 0.1)) {
                pixels = small.pixels(); // decodes now, reading the input bytes
            }
        }
        assertEquals(120 * 90 * 3, pixels.length);
        double mean = 0;
        for (byte b : pixels) {
            mean += b & 0xFF;
        }
        mean /= pixels.length;
        assertTrue(mean > 40 && mean < 220, "decoded pixels look wrong: mean " + mean);
    }

    private static VipsImage openAndLetGo(byte[] bytes) {
        try (NativeBytes input = NativeBytes.copyOf(bytes)) {
            return VipsImage.open(Loader.JPEG, input, new LoadOptions(io.imgboard.preprocessor.imaging.vips.FailOn.TRUNCATED,
                    false, 1, Long.MAX_VALUE));
        }
    }

    /**
     * A 12 MP JPEG stored sideways: the early display rendition (and the thumbnail, which fits
     * inside it) come from a decode at half the size, the UHD one from the full decode; every one
     * upright, at the size asked for, with no metadata, and the early one is the one in the result.
     */
    @ParameterizedTest
    @ValueSource(ints = {6, 8})
    void anEarlyDisplayRenditionOfAJpegComesFromAShrunkDecodeUprightAndTheRightSize(int orientation) throws Exception {
        Path stored = orientedQuadrants(orientation, 2016, 1512); // upright 4032×3024, stored 3024×4032
        Dimensions upright = new Dimensions(4032, 3024);
        assertEquals(2, ImageProcessor.shrinkOnLoad(upright, List.of(new Dimensions(1440, 1080), new Dimensions(480, 360))),
                "the early pass decodes at 1/2");
        assertEquals(1, ImageProcessor.shrinkOnLoad(upright, List.of(new Dimensions(2880, 2160))),
                "the UHD rendition needs the full decode");
        List<ProcessedImage> early = new java.util.concurrent.CopyOnWriteArrayList<>();

        ProcessedImage result = processor.process(stored, DEFAULT_SIZES,
                new ImageProcessor.Early("display", early::add));

        assertEquals(1, early.size());
        ProcessedImage first = early.get(0);
        assertEquals(4032, first.width());
        assertEquals(3024, first.height());
        assertEquals(result.perceptualHash(), first.perceptualHash());
        assertEquals(result.placeholder(), first.placeholder());
        EncodedRendition display = first.renditions().get(0);
        assertSize(display, 1440, 1080);
        assertArrayEquals(byName(result).get("display").webp(), display.webp(), "the result carries the early display");
        assertSize(byName(result).get("uhd"), 2880, 2160);
        assertSize(byName(result).get("thumb"), 480, 360);
        assertEquals(List.of("display", "uhd", "thumb"), result.renditions().stream().map(EncodedRendition::name).toList());
        for (EncodedRendition rendition : result.renditions()) {
            BufferedImage image = TestImages.decode(rendition.webp(), dir);
            assertEquals(rendition.width() + "x" + rendition.height(), image.getWidth() + "x" + image.getHeight());
            String where = rendition.name() + ", orientation " + orientation;
            assertTrue(TestImages.mean(image, 0.1, 0.1, 0.4, 0.4) > 235, where + ": top left is not white");
            double topRight = TestImages.mean(image, 0.6, 0.1, 0.9, 0.4);
            assertTrue(topRight > 108 && topRight < 148, where + ": top right is not grey");
            assertTrue(TestImages.mean(image, 0.1, 0.6, 0.4, 0.9) < 20, where + ": bottom left is not black");
            Path file = Files.write(dir.resolve("early-" + orientation + "-" + rendition.name() + ".webp"), rendition.webp());
            List<String> metadata = TestImages.vipsFields(file).stream()
                    .filter(f -> f.startsWith("exif-") || f.startsWith("xmp-") || f.startsWith("iptc-")
                            || f.startsWith("icc-") || f.equals("orientation"))
                    .toList();
            assertEquals(List.of(), metadata, where);
        }
    }

    @Test
    void theRestOfAPhotoAfterItsEarlyRenditionIsMadeThroughTheHandoffAndComesOutTheSame() throws Exception {
        Path stored = orientedQuadrants(6, 2016, 1512);
        ProcessedImage inline = processor.process(stored, DEFAULT_SIZES, new ImageProcessor.Early("display", p -> { }));
        List<String> handedOff = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService other = java.util.concurrent.Executors.newSingleThreadExecutor(
                task -> new Thread(task, "elsewhere"));
        try {
            List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
            ImageProcessor.Handoff handoff = new ImageProcessor.Handoff() {
                @Override
                public <T> T call(java.util.concurrent.Callable<T> work) throws Exception {
                    order.add("rest");
                    return other.submit(() -> {
                        handedOff.add(Thread.currentThread().getName());
                        return work.call();
                    }).get();
                }
            };
            ProcessedImage result = processor.process(stored, DEFAULT_SIZES, new ImageProcessor.Early("display",
                    p -> order.add("early " + p.renditions().get(0).name()), () -> order.add("before rest"), handoff));

            assertEquals(List.of("early display", "before rest", "rest"), order);
            assertEquals(List.of("elsewhere"), handedOff, "the full decode and the UHD rendition, once, on the other thread");
            Map<String, EncodedRendition> expected = byName(inline);
            for (EncodedRendition rendition : result.renditions()) {
                assertArrayEquals(expected.get(rendition.name()).webp(), rendition.webp(), rendition.name());
            }
            assertEquals(inline.perceptualHash(), result.perceptualHash());
        } finally {
            other.shutdown();
        }
    }

    /**
     * The work that can wait pauses where the caller may hold it (before its decode and before its
     * encodes), and the early rendition never does; the renditions come out the same.
     */
    @Test
    void theWorkThatCanWaitPausesAllThroughItsDecodeAndEncodesOnItsOwnThreadAndTheEarlyRenditionNever()
            throws Exception {
        Path stored = TestImages.exif(TestImages.photo(dir, "paced.jpg[Q=85]", 4032, 3024, 17), "-Orientation#=6");
        Map<String, EncodedRendition> unpaused = byName(processor.process(stored, DEFAULT_SIZES));
        Map<String, EncodedRendition> unpausedEarly = byName(processor.process(stored, DEFAULT_SIZES,
                new ImageProcessor.Early("display", p -> { })));
        List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<java.time.Instant> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
        Set<Thread> pausedOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        Runnable pause = () -> {
            order.add("pause");
            pauses.add(java.time.Instant.now());
            pausedOn.add(Thread.currentThread());
        };

        ProcessedImage withEarly = processor.process(stored, DEFAULT_SIZES, new ImageProcessor.Early("display",
                p -> order.add("early " + p.renditions().get(0).name()), () -> order.add("before rest"), null), pause);

        assertEquals(List.of("early display", "before rest"), order.subList(0, 2), "the early rendition never pauses");
        assertEquals(Set.of("pause"), Set.copyOf(order.subList(2, order.size())));
        EncodedRendition uhd = byName(withEarly).get("uhd");
        assertTrue(pauses.stream().filter(t -> t.isBefore(uhd.startedAt())).count() >= 5,
                "the full decode and the UHD resize pause between bands of rows: " + pauses.size() + " pauses");
        assertTrue(pauses.stream().filter(t -> !t.isBefore(uhd.startedAt()) && !t.isAfter(uhd.finishedAt())).count() >= 10,
                "the UHD encode pauses between libwebp's steps");
        assertEquals(Set.of(Thread.currentThread()), pausedOn, "the rest is made on the calling thread alone");
        for (EncodedRendition rendition : withEarly.renditions()) {
            assertArrayEquals(unpausedEarly.get(rendition.name()).webp(), rendition.webp(), rendition.name());
        }

        order.clear();
        pauses.clear();
        ProcessedImage noEarly = processor.process(stored, DEFAULT_SIZES, null, pause);

        assertTrue(pauses.stream().filter(t -> t.isBefore(noEarly.resizedAt())).count() >= 5,
                "a photo with no early rendition pauses through its decode");
        for (EncodedRendition rendition : noEarly.renditions()) {
            assertTrue(pauses.stream().anyMatch(t -> !t.isBefore(rendition.startedAt()) && !t.isAfter(rendition.finishedAt())),
                    rendition.name() + " was encoded without a pause");
            assertArrayEquals(unpaused.get(rendition.name()).webp(), rendition.webp(), rendition.name());
        }
        assertEquals(Set.of(Thread.currentThread()), pausedOn);
        assertSize(byName(noEarly).get("uhd"), 1620, 2160);
    }

    @Test
    void renditionsComeFromOneDecodeEvenWhenJpegShrinksOnLoad() throws Exception {
        // 4000×3000 for at most 480×480: decoded at 1/8 (500×375) and still exactly the sizes asked for.
        Path big = TestImages.photo(dir, "big.jpg[Q=85]", 4000, 3000, 21);
        assertEquals(8, ImageProcessor.shrinkOnLoad(new Dimensions(4000, 3000), List.of(new Dimensions(480, 360))));

        ProcessedImage result = processor.process(big, List.of(RenditionSize.parse("thumb=480x480@75"),
                RenditionSize.parse("tiny=100x100@75")));

        assertEquals(4000, result.width());
        assertSize(result.renditions().get(0), 480, 360);
        assertSize(result.renditions().get(1), 100, 75);
    }

    private static Map<String, EncodedRendition> byName(ProcessedImage result) {
        return result.renditions().stream().collect(Collectors.toMap(EncodedRendition::name, r -> r));
    }

    private static void assertSize(EncodedRendition rendition, int width, int height) {
        assertEquals(width + "x" + height, rendition.width() + "x" + rendition.height(), rendition.name());
        assertArrayEquals(new byte[]{'R', 'I', 'F', 'F'}, Arrays.copyOf(rendition.webp(), 4));
    }
}
