package io.imgboard.ingest.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.FileSkipped;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.TestImages;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.messaging.PublishException;
import io.imgboard.ingest.messaging.ScriptedPublisher;
import io.imgboard.ingest.persistence.SnapshotRepository;
import io.imgboard.ingest.persistence.SnapshotRepository.SnapshotEntry;
import io.imgboard.ingest.persistence.SourceRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a folder source does when Kafka does not take one of its announcements: a scanner of the real
 * snapshot, sources, uploads, S3 server and broker, whose own announcements go through a publisher
 * that fails chosen sends. The service's own scans are off in this profile (no tick, no change hints),
 * so only the test scans.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
@TestProfile(FolderScannerKafkaFailureTest.NoOwnScans.class)
class FolderScannerKafkaFailureTest {
    public static class NoOwnScans implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imgboard.scan.tick", "off", "imgboard.scan.watch", "false");
        }
    }

    private static FilesTopic events;

    @Inject
    SnapshotRepository snapshots;
    @Inject
    SourceRepository sources;
    @Inject
    SourceService sourceService;
    @Inject
    UploadService uploads;
    @Inject
    FileEventPublisher publisher;
    @Inject
    LedgerClient ledger;
    @Inject
    ObjectMapper json;
    @Inject
    MeterRegistry registry;
    @Inject
    SourceWatcher watcher;
    @Inject
    SourceRoots roots;

    @BeforeAll
    static void connect() {
        events = new FilesTopic();
    }

    @AfterAll
    static void disconnect() {
        events.close();
    }

    private FolderScanner scannerFailing(Integer... calls) {
        return new FolderScanner(snapshots, sources, uploads, ScriptedPublisher.failing(publisher, calls), ledger, json,
                registry, watcher, roots);
    }

    private SourceSettings source(String name) throws IOException {
        Path dir = Files.createDirectories(Path.of("target/folder-sources").toAbsolutePath()
                .resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8)));
        String id = dir.getFileName().toString();
        sourceService.create(new SourceSettings(id, dir.toString(), null, null, null, 3600, 0, null, null, null));
        return sources.find(id).orElseThrow().settings().withDefaults();
    }

    private static <T extends FileEvent> List<String> paths(SourceSettings source, Class<T> type) {
        return events.of("folder:" + source.id(), type).stream().map(FileEvent::path).sorted().toList();
    }

    /** Two scans: the first sees a file, the second (a window of 0 s later) takes it. */
    private static ScanReport settle(FolderScanner scanner, SourceSettings source) {
        scanner.scan(source, false);
        return scanner.scan(source, false);
    }

    @Test
    void aPhotoOverwrittenByTextWhoseRemovalKafkaDidNotTakeIsRemovedAtTheNextScan() throws IOException {
        SourceSettings source = source("overwritten");
        Path photo = Files.write(Path.of(source.path(), "kept.jpg"), TestImages.jpeg(87001));
        FolderScanner scanner = scannerFailing(1);
        settle(scanner, source);
        assertEquals(List.of("kept.jpg"), paths(source, FileArrived.class));

        Files.writeString(photo, "not a photo any more");
        ScanReport failed = settle(scanner, source);
        assertEquals(1, failed.failed(), failed.toString());
        assertThat(failed.errors(), hasItem(containsString("cannot announce that kept.jpg is no longer a photo")));
        assertEquals(List.of(), paths(source, FileRemoved.class), "Kafka did not take it");
        SnapshotEntry kept = snapshots.load(source.id()).get("kept.jpg");
        assertEquals(FolderScanner.PENDING, kept.state(), "still to be taken: " + kept);
        assertNotNull(kept.sha256(), "with the photo it held: " + kept);

        ScanReport again = scanner.scan(source, false);
        assertEquals(List.of("kept.jpg"), paths(source, FileRemoved.class), again.toString());
        assertEquals(List.of("kept.jpg", "kept.jpg"), paths(source, FileSkipped.class), "the skip is announced again");
        assertEquals(FolderScanner.SKIPPED, snapshots.load(source.id()).get("kept.jpg").state());
        scanner.scan(source, false);
        assertEquals(List.of("kept.jpg"), paths(source, FileRemoved.class), "announced once it was taken");
    }

    @Test
    void aSourceWhoseDeletionKafkaDidNotTakeStaysAndTakesItsAnnouncedFilesAgain() throws IOException {
        SourceSettings source = source("deleted");
        Files.write(Path.of(source.path(), "a.jpg"), TestImages.jpeg(87011));
        Files.write(Path.of(source.path(), "b.jpg"), TestImages.jpeg(87012));
        FolderScanner scanner = scannerFailing(2);
        settle(scanner, source);
        assertEquals(List.of("a.jpg", "b.jpg"), paths(source, FileArrived.class));

        PublishException refused = assertThrows(PublishException.class, () -> scanner.delete(source));
        assertThat(refused.getMessage(), containsString("Kafka did not take the removal of b.jpg (1 of the source's 2"
                + " files announced gone): the source is kept"));
        assertTrue(sources.find(source.id()).isPresent(), "the source is kept");
        assertEquals(List.of("a.jpg"), paths(source, FileRemoved.class));
        assertEquals(List.of("b.jpg"), snapshots.load(source.id()).keySet().stream().toList(),
                "the file announced gone left the snapshot");

        settle(scanner, source);
        assertEquals(List.of("a.jpg", "a.jpg", "b.jpg"), paths(source, FileArrived.class),
                "its next scan takes the file announced gone again, so its photo comes back");

        assertEquals(java.util.Optional.of(2), scanner.delete(source));
        assertTrue(sources.find(source.id()).isEmpty());
        assertEquals(List.of("a.jpg", "a.jpg", "b.jpg"), paths(source, FileRemoved.class));
        assertEquals(Map.of(), snapshots.load(source.id()));
    }
}
