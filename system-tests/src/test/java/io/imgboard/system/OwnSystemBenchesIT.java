package io.imgboard.system;

import io.imgboard.system.Script.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@code ./imgboard bench} that starts a system or an imaging core of its own, as a person runs it
 * ({@link Script}), with tiny sizes; apart from {@link LauncherIT}'s running system, so that the two run
 * side by side in the suite's two test JVMs.
 */
class OwnSystemBenchesIT {
    private static Script script;

    @BeforeAll
    static void prepare() throws Exception {
        script = Script.inPrivateFolder("imgboard-benches-");
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (script != null) {
            script.cleanUp();
        }
    }

    /**
     * The benchmarks that start a system or an imaging core of their own, with tiny sizes (two distinct
     * 12 MP photos, a library of 1,000): each finishes and prints its figures, the reference it measured
     * in the same run and the target. ({@code bench catalog}'s tiny run is the ledger's {@code CatalogBenchTest}.)
     */
    @Test
    void theBenchesWithASystemOfTheirOwnRun() throws Exception {
        Path corpus = Files.createDirectories(script.privateFolder.resolve("corpus"));
        Photos.shapes(corpus, "burst-1.jpg", 4101);
        Photos.shapes(corpus, "burst-2.jpg", 4102);

        // Two burst photos, and the distinct shots the bench makes of them (turned, mirrored, turned by
        // 90°) for the first upload, one warm upload, one during the reprocess of the whole library and
        // the second burst.
        Result pipeline = script.run("bench", "pipeline", "--warm", "1", "--burst", "2", "--parallel", "2",
                "--during-reprocess", "1", "--corpus", corpus.toString());
        System.out.println(pipeline.output()); // the figures, for whoever reads the test's log
        assertEquals(0, pipeline.code(), pipeline.output());
        for (String line : List.of("first upload after start-up → add:", "upload → add, 1 warm uploads one at a time: p50",
                "upload → add while the whole library is reprocessed", "burst of 2 × 12 MP, 2 uploads in flight", "not judged, a burst of 2",
                "imaging core alone on the first burst's files", "(target ≥ 0.85:", "burst 2 of 2 × 12 MP",
                "CPU from its start to its last add, ms per photo:", "by thread", "where the time goes", "idle after the run:")) {
            assertTrue(pipeline.output().contains(line), "no \"" + line + "\" in:\n" + pipeline.output());
        }

        Result library = script.run("bench", "library", "--photos", "1000");
        System.out.println(library.output()); // the figures, for whoever reads the test's log
        assertEquals(0, library.code(), library.output());
        for (String line : List.of("1,000 catalog records written", "library of 1,000 photos, one display",
                "having read the catalog (target ≤ 60 s", "bytes per photo", "a frame connects: page of",
                "the frame's next windows")) {
            assertTrue(library.output().contains(line), "no \"" + line + "\" in:\n" + library.output());
        }

        Result imaging = script.run("bench", "imaging", "--no-sharp", "--rounds", "1", corpus.toString());
        System.out.println(imaging.output()); // the figures, for whoever reads the test's log
        assertEquals(0, imaging.code(), imaging.output());
        for (String line : List.of("corpus: " + corpus + " — 2 images", "core/vipsthumbnail:",
                "metadata in outputs (EXIF/XMP/ICCP chunks): core", "peak RSS: this JVM", "decompression bomb")) {
            assertTrue(imaging.output().contains(line), "no \"" + line + "\" in:\n" + imaging.output());
        }
    }
}
