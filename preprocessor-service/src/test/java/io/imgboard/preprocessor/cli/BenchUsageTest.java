package io.imgboard.preprocessor.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ./imgboard bench imaging} with a mistake in its options names the option, and measures nothing. */
class BenchUsageTest {
    @TempDir
    Path dir;

    @Test
    void aValueThatIsNotANumberNamesItsOption() throws Exception {
        OwnJvm.Result run = OwnJvm.run(dir, Bench.class, List.of(), "--no-sharp", "--rounds", "three", dir.toString());

        assertEquals(1, run.status(), run.err());
        assertTrue(run.err().startsWith("Bench: '--rounds' needs a whole number, not 'three'\n" + Bench.USAGE), run.err());
        assertEquals("", run.out());
    }

    @Test
    void aMissingValueNamesItsOption() throws Exception {
        OwnJvm.Result run = OwnJvm.run(dir, Bench.class, List.of(), "--effort");

        assertEquals(1, run.status(), run.err());
        assertTrue(run.err().startsWith("Bench: '--effort' needs a value\n" + Bench.USAGE), run.err());
    }
}
