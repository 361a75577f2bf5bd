package io.imgboard.ingest.export;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ExportPathsTest {

    @Test
    void aLayoutPathIsTakenApart() {
        assertEquals(List.of("2026", "07", "IMG_0001.JPG"), ExportPaths.segments("2026/07/IMG_0001.JPG"));
        assertEquals(List.of("IMG 0001 (1).heic"), ExportPaths.segments("IMG 0001 (1).heic"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/etc/passwd", "../x.jpg", "a/../../x.jpg", "./x.jpg", "a//x.jpg", "a/", ".hidden.jpg",
            "a/.cache/x.jpg", "a\\..\\x.jpg", "x\u0000.jpg", "x\n.jpg"})
    void aPathThatCouldLeaveOrHideIsRefused(String path) {
        assertThrows(ExportRefused.class, () -> ExportPaths.segments(path));
    }

    @Test
    void overLongNamesAndPathsAreRefused() {
        assertThrows(ExportRefused.class, () -> ExportPaths.segments("é".repeat(128) + ".jpg"));
        assertThrows(ExportRefused.class, () -> ExportPaths.segments("a/".repeat(600) + "x.jpg"));
        assertThrows(ExportRefused.class, () -> ExportPaths.segments(null));
    }

    @Test
    void suffixesGoBeforeTheExtension() {
        assertEquals("IMG_0001.JPG", ExportPaths.suffixed("IMG_0001.JPG", 0));
        assertEquals("IMG_0001-2.JPG", ExportPaths.suffixed("IMG_0001.JPG", 2));
        assertEquals("archive.tar-1.gz", ExportPaths.suffixed("archive.tar.gz", 1));
        assertEquals("README-1", ExportPaths.suffixed("README", 1));
    }
}
