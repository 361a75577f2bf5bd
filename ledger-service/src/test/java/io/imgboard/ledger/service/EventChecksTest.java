package io.imgboard.ledger.service;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Boundary checks: what PostgreSQL would refuse never reaches it. */
class EventChecksTest {

    @Test
    void controlCharactersLengthsAndNullsInListsAreRefusedWithAReason() {
        InvalidEventException nul = assertThrows(InvalidEventException.class,
                () -> EventChecks.text("a\u0000b", "name", 100, "FileArrived"));
        assertTrue(nul.getMessage().contains("U+0000") && nul.getMessage().contains("name"), nul.getMessage());
        assertThrows(InvalidEventException.class, () -> EventChecks.text("x".repeat(101), "name", 100, "FileArrived"));
        assertThrows(InvalidEventException.class, () -> EventChecks.text(" ", "path", 100, "FileArrived"));
        InvalidEventException inList = assertThrows(InvalidEventException.class,
                () -> EventChecks.noNulls(Arrays.asList("a", null), "renditions", "PhotoProcessed"));
        assertTrue(inList.getMessage().contains("renditions[1]"));
        assertEquals(List.of("a"), EventChecks.noNulls(List.of("a"), "renditions", "PhotoProcessed"));
        assertEquals("IMG 1.jpg", EventChecks.text("IMG 1.jpg", "name", 100, "FileArrived"));
        assertEquals("a b", EventChecks.cleanText("a\u0000b", 10));
    }

    @Test
    void exportPathsAreAbsoluteWithoutDotDot() {
        EventChecks.checkPath("/srv/export/photos");
        assertThrows(IllegalArgumentException.class, () -> EventChecks.checkPath("srv/export"));
        assertThrows(IllegalArgumentException.class, () -> EventChecks.checkPath("/srv/../etc"));
        assertThrows(IllegalArgumentException.class, () -> EventChecks.checkPath("/srv/a\nb"));
    }

    @Test
    void twinDistanceIsTheHammingDistanceOfTheHashes() {
        assertEquals(0, Twins.distance(0x1234L, 0x1234L));
        assertEquals(2, Twins.distance(0L, 0x8001L));
        assertEquals(64, Twins.distance(0L, -1L));
    }

    @Test
    void exportNamesAreSafeAndClashesGetASuffix() {
        assertEquals("IMG_0001.JPG", Exports.safeName("IMG_0001.JPG", "0".repeat(64)));
        assertEquals("evil.jpg", Exports.safeName("../../evil.jpg", "0".repeat(64)));
        assertEquals("a_b.jpg", Exports.safeName("a\u0000b.jpg", "0".repeat(64)));
        assertEquals("0000000000000000.jpg", Exports.safeName("...", "0".repeat(64)));
        java.util.Set<String> taken = new java.util.HashSet<>(List.of("2024/07/a.jpg", "2024/07/a-1.jpg"));
        assertEquals("2024/07/a-2.jpg", Exports.uniquePath("2024/07/a.jpg", taken));
        assertEquals("2024/07/b.jpg", Exports.uniquePath("2024/07/b.jpg", taken));
    }
}
