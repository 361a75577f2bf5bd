package io.imgboard.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The wire format is the contract: each record must serialise to exactly its golden JSON (field
 * names and the {@code type} discriminators) and read back to an equal record. A change that breaks
 * this test breaks a consumer that is already deployed.
 */
class WireFormatTest {

    // Configured as Quarkus configures its ObjectMapper: ISO-8601 instants, unknown fields ignored.
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final UUID EVENT = UUID.fromString("0b7e7a52-3d2c-4c56-9a8e-1f00c0ffee01");
    private static final UUID PHOTO = UUID.fromString("6f1c2b7a-8e0d-4f3b-b5a1-2c3d4e5f6a7b");
    private static final UUID REQUEST = UUID.fromString("a1b2c3d4-e5f6-4711-8899-aabbccddeeff");
    private static final Instant AT = Instant.parse("2026-11-22T08:15:30.123Z");
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final List<Rendition> RENDITIONS = List.of(
            new Rendition("display", "renditions/" + PHOTO + "/display.webp", 810, 1080, 91234),
            new Rendition("thumb", "renditions/" + PHOTO + "/thumb.webp", 360, 480, 12001));

    @Test
    void fileArrived() throws IOException {
        FileEvent event = new FileArrived(EVENT, AT, "dav:alice-iphone", "Camera/IMG_0001.JPG", "IMG_0001.JPG",
                3_145_728, SHA, "image/jpeg", "originals/9f/" + SHA, Instant.parse("2026-11-20T17:00:00Z"),
                "alice-iphone", RemovalPolicy.RETIRE);
        assertWireFormat("file-arrived.json", event, FileEvent.class);
        assertEquals("dav:alice-iphone", event.key());
    }

    /** A file time no store can keep is read as no time, whichever producer wrote it (a folder on a NAS with a wrong clock). */
    @Test
    void fileArrivedWithAFileTimeOutsideYearsOneTo9999CarriesNone() throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode far = (com.fasterxml.jackson.databind.node.ObjectNode) golden("file-arrived.json");
        far.put("fileModifiedAt", "+3170843-10-26T09:46:39Z");
        assertEquals(null, assertInstanceOf(FileArrived.class, MAPPER.treeToValue(far, FileEvent.class)).fileModifiedAt());
        Instant last = Instant.parse("9999-12-31T23:59:59Z");
        assertEquals(last, new FileArrived(EVENT, AT, "nas", "a.jpg", "a.jpg", 1, SHA, "image/jpeg", "k", last).fileModifiedAt());
        assertEquals(null, new FileArrived(EVENT, AT, "nas", "a.jpg", "a.jpg", 1, SHA, "image/jpeg", "k",
                last.plusSeconds(1)).fileModifiedAt());
        assertEquals(null, new FileArrived(EVENT, AT, "nas", "a.jpg", "a.jpg", 1, SHA, "image/jpeg", "k",
                Instant.parse("0000-12-31T23:59:59Z")).fileModifiedAt());
    }

    @Test
    void fileArrivedOfTheFirstVersionStillReads() throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode first = (com.fasterxml.jackson.databind.node.ObjectNode) golden("file-arrived.json");
        first.remove(List.of("deviceId", "onDelete"));
        FileArrived read = assertInstanceOf(FileArrived.class, MAPPER.treeToValue(first, FileEvent.class));
        assertEquals(null, read.deviceId());
        assertEquals(null, read.onDelete());
    }

    @Test
    void fileRemoved() throws IOException {
        FileRemoved removed = new FileRemoved(EVENT, AT, "folder:nas", "2026/11/IMG_0001.JPG", RemovalPolicy.KEEP);
        assertWireFormat("file-removed.json", removed, FileEvent.class);
        assertEquals(RemovalPolicy.KEEP, removed.policy());
        assertEquals(RemovalPolicy.RETIRE, new FileRemoved(EVENT, AT, "folder:nas", "a.jpg").policy());
    }

    @Test
    void fileMoved() throws IOException {
        assertWireFormat("file-moved.json", new FileMoved(EVENT, AT, "dav:alice-iphone", "Inbox/IMG_0001.JPG",
                "2026/11/IMG_0001.JPG"), FileEvent.class);
    }

    @Test
    void fileSkipped() throws IOException {
        assertWireFormat("file-skipped.json", new FileSkipped(EVENT, AT, "folder:nas", "2026/11/IMG_0001_HEVC.MOV",
                "IMG_0001_HEVC.MOV", 2_097_152, "live-photo video"), FileEvent.class);
    }

    @Test
    void fileExported() throws IOException {
        assertWireFormat("file-exported.json", new FileExported(EVENT, AT, "folder:nas", "2026/08/IMG_0001.JPG",
                REQUEST, PHOTO, SHA, true, null), FileEvent.class);
    }

    @Test
    void exportRequested() throws IOException {
        assertWireFormat("export-requested.json", new ExportRequested(EVENT, AT, REQUEST, PHOTO, SHA,
                "originals/9f/" + SHA, "/mnt/photos/export", "2026/08/IMG_0001.JPG"), ExportRequested.class);
    }

    @Test
    void processRequested() throws IOException {
        assertWireFormat("process-requested.json", new ProcessRequested(EVENT, AT, PHOTO, SHA, "originals/9f/" + SHA,
                "image/jpeg", List.of(new RenditionSpec("display", 1920, 1080, 82)), ProcessRequested.Reason.NEW),
                ProcessRequested.class);
    }

    @Test
    void photoProcessed() throws IOException {
        ProcessingResult result = new PhotoProcessed(EVENT, AT, PHOTO, REQUEST, RENDITIONS, 3024, 4032, "jpeg",
                new PhotoProcessed.Capture(Instant.parse("2026-08-01T10:42:07Z"), "2026-08-01T12:42:07", "+02:00",
                        "Apple", "iPhone 15"),
                "c3d4e5f6a7b8c9d0", "data:image/webp;base64,UklGRg==");
        assertWireFormat("photo-processed.json", result, ProcessingResult.class);
    }

    @Test
    void photoProcessedEarlyNamesWhatIsPending() throws IOException {
        PhotoProcessed early = new PhotoProcessed(EVENT, AT, PHOTO, REQUEST, RENDITIONS.subList(0, 1), 3024, 4032, "jpeg",
                null, "c3d4e5f6a7b8c9d0", null, List.of("uhd", "thumb"));
        String json = MAPPER.writerFor(ProcessingResult.class).writeValueAsString(early);
        assertEquals(List.of("uhd", "thumb"), MAPPER.readTree(json).get("pending").traverse(MAPPER).readValueAs(List.class));
        PhotoProcessed read = assertInstanceOf(PhotoProcessed.class, MAPPER.readValue(json, ProcessingResult.class));
        assertEquals(early, read);
    }

    @Test
    void aPhotoProcessedWrittenBeforePendingExistedIsComplete() throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode older = (com.fasterxml.jackson.databind.node.ObjectNode) golden("photo-processed.json");
        older.remove("pending");
        PhotoProcessed read = assertInstanceOf(PhotoProcessed.class, MAPPER.treeToValue(older, ProcessingResult.class));
        assertEquals(null, read.pending());
        assertEquals(2, read.renditions().size());
    }

    @Test
    void processingFailed() throws IOException {
        assertWireFormat("processing-failed.json", new ProcessingFailed(EVENT, AT, PHOTO, REQUEST,
                "not a readable image: VipsJpeg: Premature end of JPEG file", true), ProcessingResult.class);
    }

    @Test
    void photoPublished() throws IOException {
        assertWireFormat("photo-published.json", new PhotoPublished(EVENT, AT, PHOTO, SHA, RENDITIONS, 3024, 4032,
                Instant.parse("2026-08-01T10:42:07Z"), null, "IMG_0001.JPG", Instant.parse("2026-11-22T08:15:29Z"),
                List.of("folder:nas", "upload:api"), List.of("alice-iphone"), "2026-08-01T12:42:07"), PhotoPublished.class);
    }

    @Test
    void settingsChanged() throws IOException {
        assertWireFormat("settings-changed.json", new SettingsChanged(EVENT, AT, "frames",
                Map.of("intervalSeconds", "30")), SettingsChanged.class);
    }

    @Test
    void newerFieldsAreIgnoredByOlderReaders() throws IOException {
        // Changes are additive: a producer one version ahead must not break this reader.
        JsonNode golden = golden("processing-failed.json");
        ((com.fasterxml.jackson.databind.node.ObjectNode) golden).put("retryAfterSeconds", 30);
        ProcessingResult read = MAPPER.treeToValue(golden, ProcessingResult.class);
        ProcessingFailed failed = assertInstanceOf(ProcessingFailed.class, read);
        assertEquals(PHOTO, failed.photoId());
    }

    @Test
    void everyTopicIsListedWithItsCleanupPolicy() {
        assertEquals(Boolean.TRUE, Topics.ALL.get(Topics.CATALOG));
        assertEquals(Boolean.TRUE, Topics.ALL.get(Topics.SETTINGS));
        assertEquals(Boolean.FALSE, Topics.ALL.get(Topics.FILES));
        assertEquals(Boolean.FALSE, Topics.ALL.get(Topics.EXPORT_REQUESTS));
        assertEquals(9, Topics.ALL.size());
    }

    private static <T> void assertWireFormat(String file, T value, Class<? super T> readAs) throws IOException {
        JsonNode expected = golden(file);
        // Compare what a consumer parses from the written text (numbers typed by the parser, not by Java).
        assertEquals(expected, MAPPER.readTree(MAPPER.writeValueAsString(value)), () -> file + " no longer matches what is written");
        assertEquals(value, MAPPER.treeToValue(expected, readAs), () -> file + " no longer reads back");
    }

    private static JsonNode golden(String file) throws IOException {
        try (InputStream in = WireFormatTest.class.getResourceAsStream("/golden/" + file)) {
            assertNotNull(in, "missing golden file " + file);
            return MAPPER.readTree(in);
        }
    }
}
