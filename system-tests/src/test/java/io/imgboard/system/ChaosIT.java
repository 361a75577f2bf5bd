package io.imgboard.system;

import io.imgboard.infra.Layout;
import io.imgboard.infra.chaos.ChaosReport;
import io.imgboard.infra.chaos.ChaosRun;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./imgboard chaos}, small, inside {@code ./imgboard test}: 60 photos through REST, the folder
 * source and WebDAV while the ingest and display processes are killed with {@code kill -9}, the
 * Kafka broker and PostgreSQL are restarted and the S3 server is stopped for 10 s — one fault of
 * each kind, under the same supervisor as {@code ./imgboard up}. The same runner and the same
 * checks as the full run; the seed is fixed so a failure replays with
 * {@code ./imgboard chaos --seed 1212 --photos 60}.
 */
class ChaosIT {
    private static final long SEED = 1212;

    @Test
    void sixtyPhotosThroughEveryDoorSurviveOneFaultOfEachKind() {
        ChaosRun.Options options = ChaosRun.Options.defaults(60, SEED).withWindow(20);
        ChaosReport report = ChaosRun.withKills(options, Layout.find(), System.out,
                List.of("ingest-service", "display-service")).run();
        String text = report.text();
        System.out.print(text);

        assertEquals(5, report.faults().size(), text);
        assertTrue(report.faultsSurvived(), "a process did not come back ready:\n" + text);
        assertEquals(60, report.catalogPhotos(), "photos in the catalog:\n" + text);
        assertTrue(report.catalogExact(), "each photo exactly once in the catalog:\n" + text);
        assertEquals(0, report.acknowledgedMissing(), "an upload answered 2xx was lost:\n" + text);
        assertEquals(0, report.failed(), "photos FAILED:\n" + text);
        assertEquals(0, report.toldTwice(), "a frame was told about a photo it held:\n" + text);
        assertEquals(0, report.addsForUnknown(), "a frame was told about a photo nobody sent:\n" + text);
        assertEquals(0, report.neverSeen(), "a photo never reached the frame:\n" + text);
        assertTrue(report.framesExact(), text);
        assertNotNull(report.convergence(), "never converged:\n" + text);
        assertTrue(report.convergedInTime(), "converged too late:\n" + text);
        assertTrue(report.problems().isEmpty(), text);
        assertTrue(report.passed(), text);
    }
}
