package io.imgboard.ingest.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileMoved;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.FileSkipped;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.SharedLimitsProfile;
import io.imgboard.ingest.TestImages;
import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.messaging.ScriptedPublisher;
import java.time.Instant;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.persistence.FileEventOutbox;
import io.imgboard.ingest.messaging.OutboxRelay;
import io.imgboard.ingest.persistence.SnapshotRepository;
import io.imgboard.ingest.persistence.SnapshotRepository.SnapshotEntry;
import io.imgboard.ingest.persistence.SourceRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a folder source does when Kafka does not take one of its announcements: a scanner of the real
 * snapshot, sources, uploads, S3 server and broker, whose own announcements go through a publisher
 * that fails chosen sends. The service's own scans are off in this profile (no tick, no change hints),
 * so only the test scans, and so is the outbox relay's schedule (it runs when called).
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
@TestProfile(SharedLimitsProfile.class)
class FolderScannerKafkaFailureTest {
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
    @Inject
    FileEventOutbox outbox;
    @Inject
    OutboxRelay relay;
    @Inject
    OriginalStore store;
    @Inject
    Rejections rejections;

    @BeforeAll
    static void connect() {
        events = new FilesTopic();
    }

    @AfterAll
    static void disconnect() {
        events.close();
    }

    /** A scanner whose announcements, its uploads' included, fail at the given calls (counted from 1). */
    private FolderScanner scannerFailing(Integer... calls) {
        ScriptedPublisher scripted = ScriptedPublisher.failing(publisher, calls);
        return new FolderScanner(snapshots, sources, UploadServices.of(store, scripted, rejections, registry), scripted,
                ledger, json, registry, watcher, roots, outbox);
    }

    private SourceSettings source(String name) throws IOException {
        return source(name, null, null);
    }

    private SourceSettings source(String name, String afterImport, String archivePath) throws IOException {
        Path dir = Files.createDirectories(Path.of("target/folder-sources").toAbsolutePath()
                .resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8)));
        String id = dir.getFileName().toString();
        sourceService.create(new SourceSettings(id, dir.toString(), null, null, null, 3600, 0, afterImport, archivePath,
                null));
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
        FolderScanner scanner = scannerFailing(3); // 1 the arrival, 2 the skip of the text, 3 the photo's removal
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

    /** Kafka away altogether when a photo is overwritten: not even the skip can be announced. */
    @Test
    void aPhotoOverwrittenWhileKafkaIsAwayIsRemovedOnceItIsBack() throws IOException {
        SourceSettings source = source("away");
        Path photo = Files.write(Path.of(source.path(), "kept.jpg"), TestImages.jpeg(87021));
        FolderScanner scanner = scannerFailing(2); // 1 the arrival, 2 the skip of the text
        settle(scanner, source);
        Files.writeString(photo, "not a photo any more");
        ScanReport failed = settle(scanner, source);
        assertEquals(1, failed.failed(), failed.toString());
        assertEquals(List.of(), paths(source, FileSkipped.class));
        SnapshotEntry kept = snapshots.load(source.id()).get("kept.jpg");
        assertEquals(FolderScanner.PENDING, kept.state(), "not failed, which would forget the photo: " + kept);
        assertNotNull(kept.sha256(), kept.toString());

        scanner.scan(source, false);
        assertEquals(List.of("kept.jpg"), paths(source, FileSkipped.class));
        assertEquals(List.of("kept.jpg"), paths(source, FileRemoved.class), "the photo leaves once Kafka is back");
    }

    /**
     * A source added again while the removals of its deleted predecessor still wait in the outbox takes
     * nothing until they are sent: its arrivals must not overtake them (a removal after the arrival would
     * retire the photo that just came back).
     */
    @Test
    void aSourceAddedAgainIsHeldUntilTheRemovalsOfTheOneDeletedAreSent() throws IOException {
        SourceSettings source = source("readded");
        Files.write(Path.of(source.path(), "a.jpg"), TestImages.jpeg(87031));
        QuarkusTransaction.requiringNew().run(() -> outbox.add(new FileRemoved(UUID.randomUUID(), Instant.now(),
                source.sourceId(), "a.jpg", null)));
        FolderScanner scanner = scannerFailing();
        ScanReport held = settle(scanner, source);
        assertTrue(held.held(), held.toString());
        assertThat(held.errors(), hasItem(containsString("held: 1 events of this source wait in ingest's outbox for Kafka")));
        assertEquals(List.of(), paths(source, FileArrived.class));

        assertEquals(1, relay.relay());
        settle(scanner, source);
        List<FileEvent> order = events.of(source.sourceId());
        assertEquals(List.of("FileRemoved", "FileArrived"), order.stream().map(e -> e.getClass().getSimpleName()).toList(),
                order.toString());
    }

    /** Archived, and Kafka did not take the move: the file has left the folder, so the move must not be lost. */
    @Test
    void anArchivingKafkaDidNotTakeWaitsInTheOutboxAndIsNotTakenForADeletion() throws IOException {
        Path archive = Files.createDirectories(Path.of("target/folder-sources").toAbsolutePath()
                .resolve("archive-" + UUID.randomUUID().toString().substring(0, 8)));
        SourceSettings source = source("archiving", "archive", archive.toString());
        Files.write(Path.of(source.path(), "IMG_1.JPG"), TestImages.jpeg(87051));
        FolderScanner scanner = scannerFailing(2); // 1 the arrival, 2 the move
        ScanReport archived = settle(scanner, source);
        assertEquals(1, archived.archived(), archived.toString());
        assertTrue(Files.exists(archive.resolve("IMG_1.JPG")));
        assertEquals(List.of(), paths(source, FileMoved.class));
        assertEquals(1, outbox.waitingFor(source.sourceId()));

        assertTrue(scanner.scan(source, false).held(), "held while the move waits");
        assertEquals(1, relay.relay());
        settle(scanner, source);
        assertEquals(List.of("IMG_1.JPG"), paths(source, FileMoved.class));
        assertEquals(List.of(), paths(source, FileRemoved.class), "the archived photo was taken for deleted");
    }

    /** Deleted: the removals leave with the source, and a scan asked for before the delete does nothing after it. */
    @Test
    void aDeletedSourceAnnouncesItsFilesAndAScanQueuedBehindTheDeleteDoesNothing() throws IOException {
        SourceSettings source = source("deleted");
        Files.write(Path.of(source.path(), "a.jpg"), TestImages.jpeg(87041));
        Files.writeString(Path.of(source.path(), "notes.txt"), "shopping list");
        Files.write(Path.of(source.path(), "late.jpg"), TestImages.jpeg(87042));
        FolderScanner scanner = scannerFailing();
        settle(scanner, source);
        assertEquals(List.of("a.jpg", "late.jpg"), paths(source, FileArrived.class));

        sourceService.delete(source.id());
        assertTrue(sources.find(source.id()).isEmpty());
        assertEquals(List.of("a.jpg", "late.jpg", "notes.txt"), paths(source, FileRemoved.class));
        assertEquals(0, outbox.waitingFor(source.sourceId()));

        ScanReport after = scanner.scan(source, false);
        assertEquals(List.of("no source " + source.id() + ": it was deleted"), after.errors());
        assertEquals(Map.of(), snapshots.load(source.id()));
        assertEquals(List.of("a.jpg", "late.jpg"), paths(source, FileArrived.class));
    }
}
