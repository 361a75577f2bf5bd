package io.imgboard.ingest.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.ExportRequested;
import io.imgboard.events.FileArrived;
import io.imgboard.events.FileExported;
import io.imgboard.events.Topics;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.TestImages;
import io.imgboard.ingest.storage.OriginalStore;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The export writer end to end on a real Kafka, PostgreSQL and S3 server and real folders: an
 * {@link ExportRequested} sent to {@code imgboard.export-requests} as the ledger sends it, the file
 * looked at on disk, and the {@link FileExported} answer read back from {@code imgboard.files}.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class ExportTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    private static FilesTopic files;
    private static KafkaProducer<String, String> producer;
    private static Path base;

    @Inject
    OriginalStore store;
    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;
    @ConfigProperty(name = "imgboard.export.allowed-roots")
    String allowedRoot;

    @BeforeAll
    static void connect() throws IOException {
        files = new FilesTopic();
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, LocalInfraResource.shared().endpoints().kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
        base = Files.createDirectories(Path.of("target/export-test").toAbsolutePath());
    }

    @AfterAll
    static void disconnect() {
        files.close();
        producer.close();
    }

    /** An original in the bucket, as an upload would have left it. */
    private String stored(byte[] bytes) throws IOException {
        Path tmp = Files.write(Files.createTempFile(base, "original", ".jpg"), bytes);
        String sha = TestImages.sha256(bytes);
        store.storeIfAbsent(sha, tmp, bytes.length, "image/jpeg");
        Files.delete(tmp);
        return sha;
    }

    private static Path folder(String name) throws IOException {
        return Files.createDirectories(base.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    /** A folder source on {@code dir} that scans only when asked. */
    private String addSource(Path dir) {
        String id = dir.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9-]", "-");
        given().header("Authorization", "Bearer " + adminToken).contentType(ContentType.JSON)
                .body(Map.of("id", id, "path", dir.toString(), "pollSeconds", 3600, "stableSeconds", 0))
                .post("/api/v1/sources").then().statusCode(201);
        return id;
    }

    private JsonPath scan(String id) {
        return given().header("Authorization", "Bearer " + adminToken).contentType(ContentType.JSON)
                .post("/api/v1/sources/" + id + "/scan").then().statusCode(200).extract().jsonPath();
    }

    private static ExportRequested request(UUID runId, UUID photoId, String sha, Path folder, String relativePath) {
        return new ExportRequested(UUID.randomUUID(), Instant.now(), runId, photoId, sha,
                OriginalStore.keyFor(sha), folder.toString(), relativePath);
    }

    private static void send(ExportRequested request) throws Exception {
        producer.send(new ProducerRecord<>(Topics.EXPORT_REQUESTS, request.photoId().toString(),
                JSON.writeValueAsString(request))).get();
    }

    /** The answers for this photo on imgboard.files, waiting until there are {@code count} of them. */
    private static List<FileExported> answers(UUID photoId, int count) {
        return await().atMost(WAIT).until(() -> files.events().stream()
                .filter(e -> e instanceof FileExported x && x.photoId().equals(photoId))
                .map(FileExported.class::cast).toList(), list -> list.size() >= count);
    }

    private static FileExported exportAndWait(ExportRequested request) throws Exception {
        send(request);
        return answers(request.photoId(), 1).get(0);
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void assertNoTempFiles(Path dir) throws IOException {
        for (Path file : filesIn(dir)) {
            assertFalse(file.getFileName().toString().startsWith(ExportWriter.TEMP_PREFIX),
                    "a temporary file was left behind: " + file);
        }
    }

    /**
     * An unreadable request goes to the dead-letter topic and its offset is committed at once, also when
     * no good request follows it on its partition (no lag left on the ops page, no second dead letter
     * after a restart).
     */
    @Test
    void anUnreadableRequestLastOnItsPartitionIsDeadLetteredAndCommitted() throws Exception {
        String key = "poison-" + UUID.randomUUID();
        var sent = producer.send(new ProducerRecord<>(Topics.EXPORT_REQUESTS, key, "not JSON {")).get();
        org.apache.kafka.common.TopicPartition partition = new org.apache.kafka.common.TopicPartition(sent.topic(), sent.partition());
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.<String, Object>of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                LocalInfraResource.shared().endpoints().kafkaBootstrap()));
             var deadLetters = new org.apache.kafka.clients.consumer.KafkaConsumer<>(Map.<String, Object>of(
                     org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     LocalInfraResource.shared().endpoints().kafkaBootstrap()),
                     new org.apache.kafka.common.serialization.StringDeserializer(),
                     new org.apache.kafka.common.serialization.StringDeserializer())) {
            var dlq = new org.apache.kafka.common.TopicPartition(Topics.DEAD_LETTER, 0);
            deadLetters.assign(List.of(dlq));
            deadLetters.seekToBeginning(List.of(dlq));
            List<String> dead = new java.util.ArrayList<>();
            await().atMost(WAIT).until(() -> {
                deadLetters.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        dead.add(r.value());
                    }
                });
                return !dead.isEmpty();
            });
            assertEquals(List.of("not JSON {"), dead, "the original bytes, once");
            await().atMost(WAIT).until(() -> {
                var committed = admin.listConsumerGroupOffsets("imgboard-ingest").partitionsToOffsetAndMetadata().get()
                        .get(partition);
                return committed != null && committed.offset() > sent.offset();
            });
        }
    }

    @Test
    void writtenIntoASourceRootIsRecordedSoTheSourceDoesNotImportIt() throws Exception {
        Path dir = folder("source-root");
        String id = addSource(dir);
        scan(id);
        byte[] jpeg = TestImages.jpeg(87001);
        String sha = stored(jpeg);
        UUID photo = UUID.randomUUID();
        UUID run = UUID.randomUUID();

        FileExported answer = exportAndWait(request(run, photo, sha, dir, "2024/07/IMG_0001.JPG"));

        assertTrue(answer.written(), "written: " + answer);
        assertNull(answer.error());
        assertEquals("folder:" + id, answer.sourceId());
        assertEquals("2024/07/IMG_0001.JPG", answer.path());
        assertEquals(run, answer.exportRunId());
        assertEquals(sha, answer.sha256());
        assertArrayEquals(jpeg, Files.readAllBytes(dir.resolve("2024/07/IMG_0001.JPG")));
        assertEquals(List.of(dir.resolve("2024/07/IMG_0001.JPG")), filesIn(dir), "one file, no temporary file left");

        // two scans (a file is taken once unchanged across two): the export is known, nothing is new
        JsonPath first = scan(id);
        JsonPath second = scan(id);
        assertEquals(1, second.getInt("discovered"));
        assertEquals(0, first.getInt("new") + first.getInt("duplicate") + second.getInt("new") + second.getInt("duplicate"));
        assertEquals(0, first.getInt("hashed") + second.getInt("hashed"), "the exported file is never read by a scan");
        assertTrue(files.of("folder:" + id, FileArrived.class).isEmpty(), "the source announced its own export");
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/sources/" + id).then().statusCode(200)
                .body("totals.imported", org.hamcrest.Matchers.equalTo(1));
    }

    /**
     * Exporting into a folder source's root, before the ledger knows which source that folder is: a photo
     * that source took from the folder is not copied back into it; the answer names where it already is.
     */
    @Test
    void aPhotoThatCameFromTheFolderIsNotCopiedBackIntoIt() throws Exception {
        Path dir = folder("came-from");
        byte[] jpeg = TestImages.jpeg(87101);
        Files.write(dir.resolve("IMG_0042.JPG"), jpeg);
        String id = addSource(dir);
        await().atMost(WAIT).until(() -> {
            scan(id);
            return !files.of("folder:" + id, FileArrived.class).isEmpty();
        });
        String sha = stored(jpeg);

        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, dir, "2024/07/IMG_0042.JPG"));

        assertTrue(answer.written(), "the same content is there: " + answer);
        assertEquals("folder:" + id, answer.sourceId());
        assertEquals("IMG_0042.JPG", answer.path());
        assertEquals(List.of(dir.resolve("IMG_0042.JPG")), filesIn(dir), "copied back into the folder it came from");
    }

    @Test
    void aNameHeldByOtherContentGetsASuffixAndIsNeverOverwritten() throws Exception {
        Path dir = folder("clash");
        addSource(dir);
        byte[] other = TestImages.jpeg(87002);
        Files.write(dir.resolve("IMG_0002.JPG"), other);
        Files.write(dir.resolve("IMG_0002-1.JPG"), TestImages.jpeg(87003));
        byte[] jpeg = TestImages.jpeg(87004);
        String sha = stored(jpeg);

        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, dir, "IMG_0002.JPG"));

        assertTrue(answer.written(), "written: " + answer);
        assertEquals("IMG_0002-2.JPG", answer.path());
        assertArrayEquals(jpeg, Files.readAllBytes(dir.resolve("IMG_0002-2.JPG")));
        assertArrayEquals(other, Files.readAllBytes(dir.resolve("IMG_0002.JPG")), "the other file is untouched");
        assertArrayEquals(TestImages.jpeg(87003), Files.readAllBytes(dir.resolve("IMG_0002-1.JPG")));
        assertEquals(3, filesIn(dir).size());
    }

    @Test
    void theSameContentAlreadyThereCountsAsWrittenAndIsNotRewritten() throws Exception {
        Path dir = folder("same");
        byte[] jpeg = TestImages.jpeg(87005);
        Path existing = Files.write(dir.resolve("IMG_0005.JPG"), jpeg);
        FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(existing, before);
        Object inode = Files.getAttribute(existing, "unix:ino");
        addSource(dir);
        String sha = stored(jpeg);

        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, dir, "IMG_0005.JPG"));

        assertTrue(answer.written(), "written: " + answer);
        assertEquals("IMG_0005.JPG", answer.path());
        assertEquals(List.of(existing), filesIn(dir), "no second file");
        assertEquals(before, Files.getLastModifiedTime(existing), "not rewritten");
        assertEquals(inode, Files.getAttribute(existing, "unix:ino"), "not replaced");
    }

    @Test
    void aFolderNoSourceWatchesOutsideTheAllowedRootsIsRefusedWithAReason() throws Exception {
        Path dir = folder("not-allowed");
        String sha = stored(TestImages.jpeg(87006));

        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, dir, "IMG_0006.JPG"));

        assertFalse(answer.written());
        assertTrue(answer.error().contains("neither a folder source's root nor inside an allowed export root"),
                answer.error());
        assertEquals(List.of(), filesIn(dir), "nothing written");
    }

    /**
     * The admin page's Simulate asks ingest whether it would write into the export folder: the answer is
     * the refusal a real export then meets, word for word, and asking creates nothing.
     */
    @Test
    void aDryRunForeseesTheFolderRefusalWithTheSameWords() throws Exception {
        Path dir = folder("refused-dry");
        String refused = given().header("Authorization", "Bearer " + adminToken).queryParam("path", dir.toString())
                .get("/api/v1/export/folder").then().statusCode(200).extract().jsonPath().getString("refused");
        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), stored(TestImages.jpeg(87010)),
                dir, "IMG_0010.JPG"));
        assertFalse(answer.written());
        assertEquals(answer.error(), refused);

        Path source = folder("source-dry");
        addSource(source);
        Path inAllowedRoot = Files.createDirectories(Path.of(allowedRoot.split(";")[0].strip()))
                .resolve("dry-" + UUID.randomUUID());
        for (Path allowed : List.of(source, inAllowedRoot)) {
            given().header("Authorization", "Bearer " + adminToken).queryParam("path", allowed.toString())
                    .get("/api/v1/export/folder").then().statusCode(200)
                    .body("folder", org.hamcrest.Matchers.equalTo(allowed.toString()))
                    .body("refused", org.hamcrest.Matchers.nullValue());
        }
        assertFalse(Files.exists(inAllowedRoot), "a dry run creates no folder");
        given().queryParam("path", dir.toString()).get("/api/v1/export/folder").then().statusCode(401);
        // no folder set at all: said so, not as a folder called "null"
        given().header("Authorization", "Bearer " + adminToken).queryParam("path", "")
                .get("/api/v1/export/folder").then().statusCode(200)
                .body("refused", org.hamcrest.Matchers.equalTo("no export folder is set: name an absolute path"));
    }

    /**
     * A folder source's root takes exports only while it lies where sources may: a source whose link was
     * later swapped to a folder outside them (here outside every allowed root) gets nothing written there.
     */
    @Test
    void aSourceRootThatNowLeadsOutsideTakesNoExport() throws Exception {
        Path inside = folder("swapped-source");
        Path outside = Files.createDirectories(base.resolveSibling("outside-export")
                .resolve("swapped-" + UUID.randomUUID().toString().substring(0, 8)));
        Path link = Files.createSymbolicLink(base.resolve("link-" + UUID.randomUUID().toString().substring(0, 8)), inside);
        addSource(link);
        given().header("Authorization", "Bearer " + adminToken).queryParam("path", link.toString())
                .get("/api/v1/export/folder").then().statusCode(200).body("refused", org.hamcrest.Matchers.nullValue());

        Files.delete(link);
        Files.createSymbolicLink(link, outside);
        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), stored(TestImages.jpeg(87090)),
                link, "IMG_0012.JPG"));

        assertFalse(answer.written(), "written through a source that leads outside: " + answer);
        assertTrue(answer.error().contains("neither a folder source's root nor inside an allowed export root"),
                answer.error());
        assertEquals(List.of(), filesIn(outside));
    }

    @Test
    void aPathLeavingTheFolderIsRefused() throws Exception {
        Path dir = folder("dotdot");
        Path inside = Files.createDirectories(dir.resolve("target"));
        addSource(inside);
        String sha = stored(TestImages.jpeg(87007));

        for (String path : List.of("../IMG_0007.JPG", "2024/../../IMG_0007.JPG", "/tmp/IMG_0007.JPG")) {
            FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, inside, path));
            assertFalse(answer.written(), path + ": " + answer);
            assertTrue(answer.error().contains("..") || answer.error().contains("absolute"), answer.error());
        }
        assertEquals(List.of(), filesIn(dir), "nothing written anywhere");
    }

    @Test
    void aLinkOutOfAnAllowedRootIsNotFollowed() throws Exception {
        Path root = Files.createDirectories(Path.of(allowedRoot));
        Path outside = folder("outside");
        Path folder = Files.createDirectories(root.resolve("link-" + UUID.randomUUID().toString().substring(0, 8)));
        Files.createSymbolicLink(folder.resolve("album"), outside);
        String sha = stored(TestImages.jpeg(87008));

        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, folder, "album/IMG_0008.JPG"));

        assertFalse(answer.written(), "written through a link: " + answer);
        assertTrue(answer.error().contains("outside the export folder"), answer.error());
        assertEquals(List.of(), filesIn(outside));
    }

    @Test
    void aNewFolderInAnAllowedRootIsCreatedAndTheFileBelongsToNoSource() throws Exception {
        Path folder = Path.of(allowedRoot).resolve("new-" + UUID.randomUUID().toString().substring(0, 8)).resolve("photos");
        byte[] jpeg = TestImages.jpeg(87009);
        String sha = stored(jpeg);

        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, folder, "2023/01/IMG_0009.JPG"));

        assertTrue(answer.written(), "written: " + answer);
        assertEquals(ExportWriter.EXPORT_SOURCE, answer.sourceId());
        assertEquals("2023/01/IMG_0009.JPG", answer.path());
        assertArrayEquals(jpeg, Files.readAllBytes(folder.resolve("2023/01/IMG_0009.JPG")));
        assertNoTempFiles(folder);
    }

    @Test
    void aRedeliveredRequestAnswersTheSameAndWritesNoSecondFile() throws Exception {
        Path dir = folder("redelivery");
        String id = addSource(dir);
        Files.write(dir.resolve("IMG_0010.JPG"), TestImages.jpeg(87010)); // a clash, so the answer is IMG_0010-1
        byte[] jpeg = TestImages.jpeg(87011);
        String sha = stored(jpeg);
        ExportRequested request = request(UUID.randomUUID(), UUID.randomUUID(), sha, dir, "IMG_0010.JPG");

        FileExported first = exportAndWait(request);
        send(request); // Kafka delivers at least once: the same record again
        FileExported second = answers(request.photoId(), 2).get(1);

        assertTrue(first.written(), "written: " + first);
        assertEquals("IMG_0010-1.JPG", first.path());
        assertEquals(List.of(first.sourceId(), first.path(), true), List.of(second.sourceId(), second.path(), second.written()));
        assertEquals(List.of(dir.resolve("IMG_0010-1.JPG"), dir.resolve("IMG_0010.JPG")), filesIn(dir),
                "the redelivery wrote no second file");
        assertArrayEquals(jpeg, Files.readAllBytes(dir.resolve("IMG_0010-1.JPG")));
        assertEquals("folder:" + id, second.sourceId());
    }

    /** A folder ingest may not write into: said at once with what to do, not after minutes of retries. */
    @Test
    void aFolderIngestMayNotWriteIntoIsRefusedAtOnceWithAReason() throws Exception {
        Path dir = folder("locked");
        addSource(dir);
        String sha = stored(TestImages.jpeg(87013));
        String otherSha = stored(TestImages.jpeg(87014));
        // root passes permission bits: an immutable folder (chattr +i) refuses root too
        boolean root = "root".equals(System.getProperty("user.name"));
        lock(dir, root, true);
        try {
            FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, dir, "IMG_0013.JPG"));
            FileExported other = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), otherSha, dir, "2024/IMG_0014.JPG"));

            assertFalse(answer.written());
            assertTrue(answer.error().startsWith("ingest may not write into the export folder " + dir), answer.error());
            assertTrue(answer.error().contains("write access"), answer.error());
            assertEquals(answer.error(), other.error(), "the same words for every photo, so a run's failures add up by reason");
        } finally {
            lock(dir, root, false);
        }
        assertEquals(List.of(), filesIn(dir), "no file and no temporary file");
    }

    private static void lock(Path dir, boolean root, boolean locked) throws Exception {
        if (root) {
            Process chattr = new ProcessBuilder("chattr", locked ? "+i" : "-i", dir.toString()).redirectErrorStream(true).start();
            String output = new String(chattr.getInputStream().readAllBytes());
            // chattr is e2fsprogs', on every Debian; a container without CAP_LINUX_IMMUTABLE, or a file system
            // without the flag, refuses it: a failure that says so, never a skipped test
            assertEquals(0, chattr.waitFor(), "chattr " + (locked ? "+i" : "-i") + " " + dir + " was refused (root needs"
                    + " CAP_LINUX_IMMUTABLE and a file system with the immutable flag to lock a folder against itself): " + output);
        } else {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString(locked ? "r-xr-xr-x" : "rwxr-xr-x"));
        }
    }

    @Test
    void anOriginalMissingFromTheBucketIsAFailureAPersonUnderstands() throws Exception {
        Path dir = folder("missing");
        addSource(dir);
        String sha = TestImages.sha256(TestImages.jpeg(87012)); // never stored

        FileExported answer = exportAndWait(request(UUID.randomUUID(), UUID.randomUUID(), sha, dir, "IMG_0012.JPG"));

        assertFalse(answer.written());
        assertTrue(answer.error().contains("is not in the bucket"), answer.error());
        assertEquals(List.of(), filesIn(dir), "no file and no temporary file");
    }
}
