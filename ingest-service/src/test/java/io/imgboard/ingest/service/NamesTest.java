package io.imgboard.ingest.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NamesTest {

    @Test
    void fileNameIsTheLastSegment() {
        assertEquals("IMG_0001.JPG", Names.fileName("IMG_0001.JPG"));
        assertEquals("passwd", Names.fileName("../../etc/passwd"));
        assertEquals("photo.jpg", Names.fileName("C:\\Users\\anna\\photo.jpg"));
        assertEquals("Ünïcode 写真.heic", Names.fileName("Ünïcode 写真.heic"));
    }

    @Test
    void aSegmentKeepsItsBackslashAClientsNameDoesNot() {
        assertEquals("back\\slash.jpg", Names.segment("back\\slash.jpg"));
        assertEquals("slash.jpg", Names.fileName("back\\slash.jpg"));
        assertEquals(Names.UNNAMED, Names.segment(".."));
    }

    @Test
    void fileNameLosesControlAndFormatCharacters() {
        assertEquals("photo.jpg", Names.fileName("pho\u0000to\u0007.jpg"));
        assertEquals("gpj.exe", Names.fileName("\u202Egpj.exe"), "no right-to-left override to disguise a name");
        assertEquals("a b.jpg", Names.fileName("  a \t\n b.jpg  "));
        assertEquals("Café.jpg", Names.fileName("Cafe\u0301.jpg"), "NFC");
        String family = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67.jpg";
        assertEquals(family, Names.fileName(family), "an emoji sequence keeps its joiners");
        assertEquals("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.jpg",
                Names.fileName("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645.jpg"), "a Persian word its non-joiner");
        assertEquals("ab.jpg", Names.fileName("a\u200Bb\u2060.jpg"), "zero-width spaces and word joiners go");
    }

    @Test
    void fileNameNeverEmpty() {
        assertEquals(Names.UNNAMED, Names.fileName(null));
        assertEquals(Names.UNNAMED, Names.fileName(""));
        assertEquals(Names.UNNAMED, Names.fileName("dir/"));
        assertEquals(Names.UNNAMED, Names.fileName(".."));
        assertEquals(Names.UNNAMED, Names.fileName("\u0000\u0001"));
    }

    @Test
    void fileNameIsBounded() {
        assertEquals(Names.MAX_NAME, Names.fileName("x".repeat(1000)).length());
        String emoji = "\uD83D\uDCF7".repeat(200); // 400 chars of surrogate pairs
        String cut = Names.fileName(emoji);
        assertEquals(254, cut.length(), "never half a surrogate pair");
    }

    @Test
    void pathIsARelativeLabel() {
        assertEquals("2026/holiday/IMG_1.JPG", Names.path("2026/holiday/IMG_1.JPG", "IMG_1.JPG"));
        assertEquals("etc/passwd", Names.path("/../../etc/./passwd", "x"));
        assertEquals("DCIM/100APPLE/IMG_1.HEIC", Names.path("DCIM\\100APPLE\\\\IMG_1.HEIC", "x"));
        assertEquals("a/b", Names.path("a/\u0000/b", "x"));
    }

    @Test
    void pathFallsBackWhenTheClientGaveNone() {
        assertEquals("fallback", Names.path(null, "fallback"));
        assertEquals("fallback", Names.path("", "fallback"));
        assertEquals("fallback", Names.path("/../.", "fallback"));
    }

    @Test
    void contentPathStartsWithTheContent() {
        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assertEquals("9f86d081884c/IMG_0001.JPG", Names.contentPath(sha, "IMG_0001.JPG"));
        assertThrows(IllegalArgumentException.class, () -> Names.contentPath("../x", "IMG_0001.JPG"));
    }

    @Test
    void pathIsBounded() {
        String path = Names.path(("d".repeat(200) + "/").repeat(10), "x");
        assertEquals(Names.MAX_PATH, path.length());
    }

    @Test
    void source() {
        assertEquals("upload:api", Names.uploadSourceId(null));
        assertEquals("upload:api", Names.uploadSourceId(" "));
        assertEquals("upload:phone-anna", Names.uploadSourceId("phone-anna"));
        assertEquals("upload:" + "a".repeat(40), Names.uploadSourceId("a".repeat(40)));
        assertThrows(IllegalArgumentException.class, () -> Names.uploadSourceId("a".repeat(41)));
        assertThrows(IllegalArgumentException.class, () -> Names.uploadSourceId("Phone"));
        assertThrows(IllegalArgumentException.class, () -> Names.uploadSourceId("../x"));
        assertThrows(IllegalArgumentException.class, () -> Names.uploadSourceId("a:b"));
    }
}
