package io.imgboard.ingest.rest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolSweepTest {
    @TempDir
    Path spool;

    @Test
    void removesOnlyTheEarlierRunsPlainFiles() throws Exception {
        Instant started = Instant.now();
        Path earlier = old(Files.write(spool.resolve("resteasy-reactive123upload"), new byte[1000]), started);
        Path part = old(Files.write(spool.resolve("dav-42.part"), new byte[24]), started);
        Path current = Files.write(spool.resolve("put-7.upload"), new byte[10]); // written by this run
        Path chunked = Files.createDirectories(spool.resolve("dav-chunked/tree/upload-1"));
        Path chunk = old(Files.write(chunked.resolve("00001"), new byte[5]), started);
        Path elsewhere = Files.createTempFile("outside", ".jpg");
        Path link = Files.createSymbolicLink(spool.resolve("link.part"), elsewhere);

        SpoolSweep.Result result = SpoolSweep.sweep(spool, started);

        assertEquals(2, result.files());
        assertEquals(1024, result.bytes());
        assertFalse(Files.exists(earlier));
        assertFalse(Files.exists(part));
        assertTrue(Files.exists(current), "this run's upload stays");
        assertTrue(Files.exists(chunk), "a chunked upload in progress stays for its client to resume");
        assertTrue(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.exists(elsewhere), "a link is not followed");
        Files.delete(elsewhere);
    }

    @Test
    void aMissingSpoolIsNothingToDo() {
        assertEquals(new SpoolSweep.Result(0, 0), SpoolSweep.sweep(spool.resolve("never-made"), Instant.now()));
    }

    private static Path old(Path file, Instant started) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(started.minus(Duration.ofHours(3))));
        return file;
    }
}
