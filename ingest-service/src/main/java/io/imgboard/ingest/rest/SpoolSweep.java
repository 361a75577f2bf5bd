package io.imgboard.ingest.rest;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;

/**
 * At start-up, removes the upload spool's files a previous run left behind: a process that was killed
 * while a body was arriving never deleted its part file. Only plain files directly in the spool folder,
 * last written before this process started (so no upload of this run); folders stay, and with them
 * Nextcloud's chunked uploads in progress ({@code dav-chunked/}), which a client resumes after a restart.
 */
@ApplicationScoped
class SpoolSweep {
    private final Path spool;

    SpoolSweep(@ConfigProperty(name = "quarkus.http.body.uploads-directory") String spool) {
        this.spool = Path.of(spool);
    }

    void onStart(@Observes StartupEvent event) {
        Instant started = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        Result result = sweep(spool, started);
        if (result.files() > 0) {
            Log.infof("upload spool %s: removed %d file(s), %d bytes, left by an earlier run", spool, result.files(), result.bytes());
        }
    }

    record Result(int files, long bytes) {
    }

    /** Removes plain files directly in {@code dir} last written before {@code cutoff}. */
    static Result sweep(Path dir, Instant cutoff) {
        int files = 0;
        long bytes = 0;
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return new Result(0, 0);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                try {
                    if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                            && Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                        long size = Files.size(entry);
                        Files.delete(entry);
                        files++;
                        bytes += size;
                    }
                } catch (IOException e) {
                    Log.warnf("upload spool: cannot remove %s: %s", entry, e.toString());
                }
            }
        } catch (IOException e) {
            Log.warnf("upload spool %s: cannot list it: %s", dir, e.toString());
        }
        return new Result(files, bytes);
    }
}
