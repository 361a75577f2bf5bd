package io.imgboard.ingest.service;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceRulesTest {
    private static SourceRules rules(List<String> include, List<String> exclude) {
        return SourceRules.of(new SourceSettings("nas", "/photos", null, include, exclude, null, null, null, null, null)
                .withDefaults());
    }

    @Test
    void nasDesktopAndDownloadLitterIsIgnoredByDefault() {
        SourceRules rules = rules(List.of(), List.of());
        for (String folder : List.of("a/@eaDir", "#recycle", "#snapshot", "a/.hidden", "@Recycle", ".@__thumb")) {
            assertTrue(rules.skipsFolder(folder), folder);
        }
        for (String file : List.of("._IMG_1.JPG", "a/.DS_Store", "Thumbs.db", "desktop.ini", "AXQ3.part",
                "IMG_1.JPG.Ab3dE9xQ.partial", "x.tmp", "x.download", "x.crdownload", "IMG_1.JPG@SynoEAStream")) {
            assertFalse(rules.takes(file), file);
        }
        assertTrue(rules.takes("2024/07/14/IMG_0001.HEIC"));
        assertFalse(rules.skipsFolder("2024"));
    }

    @Test
    void sourceGlobsIncludeAndExclude() {
        SourceRules rules = rules(List.of("**/*.{jpg,JPG,heic,HEIC}", "*.{jpg,JPG}"), List.of("**/private/**", "*.tif"));
        assertTrue(rules.takes("a/IMG_1.JPG"));
        assertTrue(rules.takes("IMG_1.jpg"));
        assertFalse(rules.takes("a/notes.txt"));
        assertFalse(rules.takes("a/private/b/IMG_2.JPG"));
        assertFalse(rules.takes("scan.tif"));
    }

    @Test
    void aFileLeftOutOnlyByTheCaseOfAnIncludeGlobIsToldApart() {
        SourceRules rules = rules(List.of("*.jpg"), List.of("**/raw/**"));
        assertTrue(rules.leftOutByCase("IMG_1.JPG"));
        assertTrue(rules.leftOutByGlobs("IMG_1.JPG"));
        assertFalse(rules.leftOutByCase("IMG_1.jpg"), "taken");
        assertFalse(rules.leftOutByCase("notes.txt"), "left out whatever the case");
        assertTrue(rules.leftOutByGlobs("notes.txt"));
        assertFalse(rules.leftOutByCase("a/raw/IMG_2.JPG"), "excluded as well");
        assertFalse(rules.leftOutByGlobs("Thumbs.db"), "litter is left out by the built-in rules, not the source's");
        SourceRules folders = rules(List.of(), List.of("raw", "**/private"));
        assertTrue(folders.folderLeftOutByGlobs("raw") && folders.skipsFolder("raw"));
        assertTrue(folders.folderLeftOutByGlobs("2024/private"));
        assertFalse(folders.folderLeftOutByGlobs("2024"));
        assertFalse(folders.folderLeftOutByGlobs("a/@eaDir"), "built-in: skipped, but not by the source's globs");
        assertFalse(rules(List.of(), List.of(".hidden")).folderLeftOutByGlobs(".hidden"), "a dot-folder is built-in, globs or not");
        assertFalse(rules(List.of(), List.of()).leftOutByCase("IMG_1.JPG"), "no include glob: every file is taken");
    }

    @Test
    void sourcesListParsesAndValidates() {
        assertEquals(Map.of("nas", "/mnt/photos/raw", "phone", "/srv/Camera Uploads"),
                SourceSettings.parseList("nas=/mnt/photos/raw; phone=/srv/Camera Uploads;"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SourceSettings.parseList("/mnt/x"));
        assertTrue(e.getMessage().contains("not id=path"));
        SourceSettings archive = new SourceSettings("nas", "/photos", null, null, null, null, null, "archive",
                "/photos/archive", null).withDefaults();
        assertTrue(archive.problems().stream().anyMatch(p -> p.contains("outside the source folder")), archive.problems().toString());
        assertEquals(List.of(), new SourceSettings("nas", "/photos", null, null, null, null, null, null, null, null)
                .withDefaults().problems());
        assertEquals("folder:nas", new SourceSettings("nas", "/p", null, null, null, null, null, null, null, null).sourceId());
    }
}
