package io.imgboard.ledger.cli;

import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tiny run of {@code ./imgboard bench catalog} against the real PostgreSQL: the ledger's migrations
 * apply to a fresh database, the queries it measures run, and it prints every number. Speed itself is
 * measured by the bench, never asserted here.
 */
class CatalogBenchTest {

    @Test
    void aSmallCatalogIsFilledMeasuredAndDropped() throws Exception {
        Endpoints endpoints = LocalInfraResource.shared().endpoints().withDatabase("ledger");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // -Dbench.photos=1000000 runs the full benchmark on the test's PostgreSQL (and prints it).
        long photos = Long.getLong("bench.photos", 2_000);
        CatalogBench.Result result = CatalogBench.run(endpoints.jdbcUrl(), endpoints.dbUser(), endpoints.dbPassword(),
                photos, false, new PrintStream(printed, true, StandardCharsets.UTF_8));
        String out = printed.toString(StandardCharsets.UTF_8);
        System.out.print(out);
        assertEquals(photos, result.photos());
        assertTrue(result.dedupP99() > 0 && result.twinTimeP99() > 0 && result.twinBandsP99() > 0
                && result.precheckMax() > 0, out);
        for (String line : new String[] {"dedup look-up", "capture window", "hash bands", "pre-check of 1,000"}) {
            assertTrue(out.contains(line), out);
        }
        assertEquals("?, ?", CatalogBench.jdbc("?1, ?2"));
    }
}
