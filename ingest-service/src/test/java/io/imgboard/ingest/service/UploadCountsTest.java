package io.imgboard.ingest.service;

import io.imgboard.ingest.TestImages;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.TestStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code imgboard_uploads_total} counts what was sent to ingest, not what a folder source found: the ops
 * page plots it as "uploads" beside {@code imgboard_source_files_total} as "files found", and a folder's
 * file in both showed as an upload nobody made (and its failure twice). On the real S3 server and broker,
 * each intake with a registry of its own.
 */
@QuarkusTest
class UploadCountsTest {
    @Inject
    OriginalStore store;
    @Inject
    FileEventPublisher publisher;
    @Inject
    Rejections rejections;

    @Test
    void aFolderSourceFileIsNotAnUpload(@TempDir Path dir) throws Exception {
        Path photo = Files.write(dir.resolve("IMG_0001.JPG"), TestImages.jpeg(71));
        MeterRegistry registry = new SimpleMeterRegistry();
        UploadService service = UploadServices.of(store, publisher, rejections, registry);

        UploadService.Outcome found = service.intake(new UploadService.Intake("folder:counts", "2025/IMG_0001.JPG",
                "IMG_0001.JPG", photo, null, null, null, null, UploadService.NonImages.SKIP, null));
        assertEquals(UploadService.Status.CREATED, found.status());
        assertEquals(0, uploads(registry, "created") + uploads(registry, "duplicate"),
                "a file found in a folder source is not an upload");

        UploadService.Outcome sent = service.intake(new UploadService.Intake("upload:api", null, "IMG_0001.JPG", photo,
                null, null, null, null, UploadService.NonImages.REFUSE, null));
        assertEquals(UploadService.Status.DUPLICATE, sent.status());
        assertEquals(1, uploads(registry, "duplicate"), "the same bytes uploaded are an upload");
    }

    @Test
    void aFolderSourceFileThatFailsIsNotAFailedUpload(@TempDir Path dir) throws Exception {
        Path photo = Files.write(dir.resolve("IMG_0002.JPG"), TestImages.jpeg(72));
        MeterRegistry registry = new SimpleMeterRegistry();
        UploadService down = UploadServices.of(TestStores.at("http://127.0.0.1:1", "imgboard-originals"), publisher,
                rejections, registry);

        UploadService.Outcome found = down.intake(new UploadService.Intake("folder:counts", "IMG_0002.JPG",
                "IMG_0002.JPG", photo, null, null, null, null, UploadService.NonImages.SKIP, null));
        assertEquals(UploadService.Status.FAILED, found.status());
        assertEquals(0, uploads(registry, "failed"), "the folder scan counts its own failure");

        UploadService.Outcome sent = down.intake(new UploadService.Intake("dav:anna", "Camera/IMG_0002.JPG",
                "IMG_0002.JPG", photo, null, null, null, null, UploadService.NonImages.KEEP, null));
        assertEquals(UploadService.Status.FAILED, sent.status());
        assertEquals(1, uploads(registry, "failed"), "a WebDAV upload S3 could not take is a failed upload");
    }

    private static double uploads(MeterRegistry registry, String status) {
        return registry.get("imgboard.uploads").tag("status", status).counter().count();
    }
}
