package io.imgboard.preprocessor.imaging.vips;

import io.imgboard.preprocessor.imaging.TestImages;
import io.imgboard.preprocessor.imaging.WebpMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Work rendered and encoded on the calling thread with pauses gives what libvips' threads and webpsave give. */
class PacedWorkTest {
    @TempDir
    static Path dir;
    static Path photo;

    @BeforeAll
    static void start() {
        Vips.start(2);
        photo = TestImages.photo(dir, "photo.jpg[Q=85]", 1600, 1200, 3);
    }

    @Test
    void aPacedDecodeHasTheSamePixelsAndPausesBetweenBandsOfRows() {
        AtomicInteger pauses = new AtomicInteger();
        try (VipsImage threaded = open(); VipsImage whole = threaded.copyMemory();
             VipsImage lazy = open(); VipsImage paced = lazy.copyMemory(pauses::incrementAndGet)) {
            assertEquals(whole.width() + "x" + whole.height() + "x" + whole.bands(),
                    paced.width() + "x" + paced.height() + "x" + paced.bands());
            assertArrayEquals(whole.pixels(), paced.pixels());
            assertEquals((1200 + 163 - 1) / 163, pauses.get(), "one pause before each band of 163 rows");
        }
    }

    @Test
    void aPacedWebpIsTheSameBytesAsWebpsave() {
        try (VipsImage image = open(); VipsImage whole = image.copyMemory()) {
            AtomicInteger pauses = new AtomicInteger();
            assertArrayEquals(webpsave(whole, 82, 2), whole.webp(82, 2, pauses::incrementAndGet));
            assertTrue(pauses.get() >= 10, "libwebp reported its progress " + pauses.get() + " times");
            assertArrayEquals(webpsave(whole, 50, 4), whole.webp(50, 4, () -> { }));
        }
    }

    @Test
    void withAlphaTooTheSameBytes() {
        Path png = dir.resolve("rgba.png");
        TestImages.run("vips", "bandjoin_const", photo.toString(), png.toString(), "180");
        try (VipsImage image = VipsImage.open(Loader.PNG, png, LoadOptions.sequential(FailOn.TRUNCATED));
             VipsImage rgba = image.copyMemory()) {
            assertEquals(4, rgba.bands());
            assertArrayEquals(webpsave(rgba, 82, 2), rgba.webp(82, 2, () -> { }));
        }
    }

    @Test
    void whatThePauseThrowsStopsTheEncodeAndComesBackAsItWas() {
        try (VipsImage image = open(); VipsImage whole = image.copyMemory()) {
            AtomicInteger all = new AtomicInteger();
            byte[] expected = whole.webp(82, 2, all::incrementAndGet);
            // The first band (of 8), a step of libwebp's analysis, one of its statistics pass (where libwebp 1.2 itself
            // ignores the stop at effort 2), and its last step, when it has written the file.
            assertTrue(all.get() > 50, all.get() + " pauses");
            for (int at : new int[]{1, 12, 38, all.get()}) {
                IllegalStateException interrupted = new IllegalStateException("interrupted while waiting");
                AtomicInteger pauses = new AtomicInteger();
                IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> whole.webp(82, 2, () -> {
                    if (pauses.incrementAndGet() == at) {
                        throw interrupted;
                    }
                }));
                assertSame(interrupted, thrown, "at pause " + at);
                assertEquals(at, pauses.get(), "nothing ran after the pause that threw");
            }
            StackOverflowError error = new StackOverflowError("an Error, not an image fault");
            AtomicInteger pauses = new AtomicInteger();
            assertSame(error, assertThrows(StackOverflowError.class, () -> whole.webp(82, 2, () -> {
                if (pauses.incrementAndGet() == 12) { // a step of the encoder: thrown in libwebp's progress hook
                    throw error;
                }
            })));
            assertArrayEquals(expected, whole.webp(82, 2, () -> { }), "and the next encode is whole");
        }
    }

    /** libvips' own encode, with the chunks it adds although asked not to taken off again, as the service does. */
    private static byte[] webpsave(VipsImage image, int quality, int effort) {
        return WebpMetadata.strip(image.webp(quality, effort));
    }

    private static VipsImage open() {
        return VipsImage.open(Loader.JPEG, photo, LoadOptions.sequential(FailOn.TRUNCATED));
    }
}
