package io.imgboard.events;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one rule for a rendition spec, which the ledger, the preprocessor and the display all apply. */
class RenditionSpecTest {

    @Test
    void namesAreShortLowercaseWordsThatAMediaUrlCarriesAsTheyAre() {
        for (String good : List.of("display", "uhd-2", "thumb-2x", "0", "a".repeat(32))) {
            assertTrue(RenditionSpec.isName(good), good);
        }
        for (String bad : new String[]{null, "", "tv_4k", "UHD", "-thumb", "a.b", "../x", "a/b", "a b", "a".repeat(33)}) {
            assertFalse(RenditionSpec.isName(bad), bad);
        }
    }

    @Test
    void aSpecTheDisplayCannotServeIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RenditionSpec("tv_4k", 3840, 2160, 82).check());
        assertEquals("rendition name must be 1-32 of a-z, 0-9 and -, starting with a letter or digit"
                + " (it is part of the photo's media URL), not 'tv_4k'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RenditionSpec(null, 10, 10, 80).check());
    }

    @Test
    void sidesAreAtMostTheLargestWebp() {
        assertDoesNotThrow(() -> new RenditionSpec("big", RenditionSpec.MAX_SIDE, RenditionSpec.MAX_SIDE, 80).check());
        assertDoesNotThrow(() -> new RenditionSpec("dot", 1, 1, 80).check());
        assertEquals(16383, RenditionSpec.MAX_SIDE, "libwebp's WEBP_MAX_DIMENSION");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RenditionSpec("uhd", 16384, 2160, 82).check());
        assertEquals("rendition uhd: width and height must be 1-16383 (the largest WebP), not 16384x2160", e.getMessage());
        for (int[] box : new int[][]{{16383, 16384}, {0, 10}, {10, 0}, {-1, 10}}) {
            assertThrows(IllegalArgumentException.class, () -> new RenditionSpec("r", box[0], box[1], 80).check(),
                    box[0] + "x" + box[1]);
        }
    }

    @Test
    void qualityIsOneToOneHundred() {
        assertDoesNotThrow(() -> new RenditionSpec("r", 10, 10, 1).check());
        assertDoesNotThrow(() -> new RenditionSpec("r", 10, 10, 100).check());
        assertEquals("rendition r: quality must be 1-100, not 0",
                assertThrows(IllegalArgumentException.class, () -> new RenditionSpec("r", 10, 10, 0).check()).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RenditionSpec("r", 10, 10, 101).check());
    }
}
