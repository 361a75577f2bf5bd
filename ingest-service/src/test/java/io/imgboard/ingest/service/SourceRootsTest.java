package io.imgboard.ingest.service;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an operator reads when a source's folder is refused. */
class SourceRootsTest {

    private static SourceRoots roots(String setting) {
        return new SourceRoots(new SmallRyeConfigBuilder().withDefaultValue("imgboard.source-roots", setting).build());
    }

    private static SourceSettings source(Path path) {
        return new SourceSettings("nas", path.toString(), null, null, null, null, null, null, null, null);
    }

    /**
     * A source in an allowed folder that is not there (a mount not up, a typo in the setting) is told so, not
     * that it is "outside the folders sources may use: &lt;that very folder&gt;".
     */
    @Test
    void aSourceInAnAllowedFolderThatDoesNotExistIsToldSo(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("bench");
        List<String> problems = roots(missing.toString()).problems(source(missing.resolve("photos")));
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("path " + missing.resolve("photos") + " lies in " + missing), problems.get(0));
        assertTrue(problems.get(0).contains("which does not exist: create it or mount it"), problems.get(0));
        assertEquals(1, roots(missing.toString()).problems(source(missing)).size(), "the missing folder itself");

        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        String outside = roots(missing + ";" + Files.createDirectories(dir.resolve("allowed"))).problems(source(elsewhere)).get(0);
        assertTrue(outside.contains("is outside the folders sources may use: " + missing + " (does not exist);"
                + dir.resolve("allowed") + " ("), outside);

        Files.createDirectories(missing.resolve("photos"));
        assertEquals(List.of(), roots(missing.toString()).problems(source(missing.resolve("photos"))), "once it exists");
    }

    /**
     * One entry of IMGBOARD_SOURCES that is not id=path stops the start naming it. Before, the whole list was
     * dropped with a log line, the valid sources were then "outside the folders sources may use", and ingest
     * reported ready scanning nothing.
     */
    @Test
    void aBadEntryInTheSourcesListStopsTheStartNamingIt(@TempDir Path dir) {
        var config = new SmallRyeConfigBuilder()
                .withDefaultValue("imgboard.sources", "ok=" + dir.resolve("ok") + ";" + dir.resolve("upper")).build();
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> SourceService.configured(config));
        assertEquals("ingest-service cannot start: IMGBOARD_SOURCES entry \"" + dir.resolve("upper")
                + "\" is not id=path (for example nas=/mnt/photos/raw)", refused.getMessage());
        assertThrows(ConfigurationException.class, () -> new SourceRoots(config), "not a list emptied and blamed on the roots");

        var good = new SmallRyeConfigBuilder().withDefaultValue("imgboard.sources", "ok=" + dir.resolve("ok")).build();
        assertEquals(List.of("ok"), SourceService.configured(good).stream().map(SourceSettings::id).toList());
    }
}
