package io.imgboard.ingest;

import io.imgboard.events.FileArrived;
import io.imgboard.events.FileEvent;
import io.imgboard.events.FileMoved;
import io.imgboard.events.FileRemoved;
import io.imgboard.events.FileSkipped;
import io.imgboard.events.RemovalPolicy;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.ingest.service.SourceService;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.apache.commons.io.file.PathUtils;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Folder sources on real folders, a real Kafka, PostgreSQL and S3 server: filled the ways icloudpd,
 * icloud-photos-sync and a Synology share fill them.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class FolderSourceTest {
    private static final String SOURCES = "/api/v1/sources";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static FilesTopic events;
    private static MinioClient s3;
    private static Path base;

    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;
    @ConfigProperty(name = "imgboard.upload.token")
    String uploadToken;
    @jakarta.inject.Inject
    SourceService sourceService;

    @BeforeAll
    static void connect() throws IOException {
        events = new FilesTopic();
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).region("us-east-1").build();
        base = Files.createDirectories(Path.of("target/folder-sources").toAbsolutePath());
    }

    @AfterAll
    static void disconnect() throws Exception {
        events.close();
        s3.close();
    }

    private RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + adminToken).contentType(ContentType.JSON);
    }

    /** A fresh folder and a unique source id for one test. */
    private static Path folder(String name) throws IOException {
        return Files.createDirectories(base.resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    private String addSource(Path dir, Map<String, Object> settings) {
        String id = dir.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9-]", "-");
        Map<String, Object> body = new HashMap<>(Map.of("id", id, "path", dir.toString(), "pollSeconds", 3600,
                "stableSeconds", 0));
        body.putAll(settings);
        admin().body(body).post(SOURCES).then().statusCode(201).body("id", equalTo(id));
        return id;
    }

    private JsonPath scan(String id) {
        return admin().post(SOURCES + "/" + id + "/scan").then().statusCode(200).extract().jsonPath();
    }

    /** Scans until the condition holds: a file is taken only once it was seen unchanged by two scans. */
    private void scanUntil(String id, Callable<Boolean> condition) {
        // The first scan at once, then one every 100 ms: a scan of these few files takes milliseconds, and
        // the scans and the events are what is awaited, not the time between them.
        await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).until(() -> {
            scan(id);
            return condition.call();
        });
    }

    private static List<FileEvent> eventsOf(String id) {
        return events.of("folder:" + id);
    }

    private static Path write(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.write(file, bytes);
    }

    /** The first bytes of a QuickTime movie (an ftyp box with the brand "qt  "), then filler. */
    private static byte[] movie(String brand) {
        byte[] bytes = new byte[2048];
        byte[] head = ("\0\0\0\u0014ftyp" + brand + "\0\0\0\0" + brand).getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(head, 0, bytes, 0, head.length);
        return bytes;
    }

    @Test
    void icloudpdFillPartThenRenameIntoDateFoldersThenChangedInPlace() throws Exception {
        Path dir = folder("icloudpd");
        String id = addSource(dir, Map.of());
        byte[] jpeg = TestImages.jpeg(86001);
        // icloudpd downloads to <checksum>.part in the target folder ...
        Path part = write(dir.resolve("2024/07/14/AXQ3B7ZKFJ.part"), jpeg);
        scan(id);
        scan(id);
        assertTrue(eventsOf(id).isEmpty(), "a .part file is never taken: " + eventsOf(id));
        // ... renames it atomically and sets mtime to the capture date, years back
        Path photo = dir.resolve("2024/07/14/IMG_0001.JPG");
        Files.move(part, photo);
        Instant captured = Instant.parse("2019-07-14T10:00:00Z");
        Files.setLastModifiedTime(photo, FileTime.from(captured));

        scanUntil(id, () -> !events.of("folder:" + id, FileArrived.class).isEmpty());
        FileArrived arrived = events.of("folder:" + id, FileArrived.class).get(0);
        assertEquals("2024/07/14/IMG_0001.JPG", arrived.path());
        assertEquals("IMG_0001.JPG", arrived.name());
        assertEquals(TestImages.sha256(jpeg), arrived.sha256());
        assertEquals(captured, arrived.fileModifiedAt());
        assertEquals(RemovalPolicy.RETIRE, arrived.onDelete());
        s3.statObject(StatObjectArgs.builder().bucket("imgboard-originals").object(arrived.originalKey()).build());

        // unchanged: later scans read nothing and announce nothing
        JsonPath again = scan(id);
        assertEquals(0, again.getInt("hashed"));
        assertEquals(1, events.of("folder:" + id, FileArrived.class).size());

        // --set-exif-datetime rewrites the file in place: a new version of the same origin
        byte[] rewritten = TestImages.jpeg(86002);
        Files.write(photo, rewritten);
        Files.setLastModifiedTime(photo, FileTime.from(captured));
        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() == 2);
        FileArrived version = events.of("folder:" + id, FileArrived.class).get(1);
        assertEquals("2024/07/14/IMG_0001.JPG", version.path());
        assertEquals(TestImages.sha256(rewritten), version.sha256());
        assertTrue(eventsOf(id).stream().noneMatch(e -> e.path().endsWith(".part")));
    }

    /**
     * On Linux a backslash is a character of a file name, not a separator: {@code back\slash.jpg} and
     * {@code back/slash.jpg} are two files and two origins, each imported and removed on its own.
     */
    @Test
    void aBackslashInAFileNameIsPartOfItsPath() throws Exception {
        Path dir = folder("backslash");
        String id = addSource(dir, Map.of());
        byte[] named = TestImages.jpeg(86801);
        byte[] nested = TestImages.jpeg(86802);
        write(dir.resolve("back\\slash.jpg"), named);
        write(dir.resolve("back/slash.jpg"), nested);
        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() == 2);
        Map<String, String> shaByPath = events.of("folder:" + id, FileArrived.class).stream()
                .collect(Collectors.toMap(FileArrived::path, FileArrived::sha256));
        assertEquals(Map.of("back\\slash.jpg", TestImages.sha256(named), "back/slash.jpg", TestImages.sha256(nested)), shaByPath);
        assertEquals(java.util.Set.of("back\\slash.jpg", "slash.jpg"), events.of("folder:" + id, FileArrived.class).stream()
                .map(FileArrived::name).collect(Collectors.toSet()), "the file's own name, backslash and all");

        Files.delete(dir.resolve("back\\slash.jpg"));
        scanUntil(id, () -> !events.of("folder:" + id, FileRemoved.class).isEmpty());
        assertEquals(List.of("back\\slash.jpg"), events.of("folder:" + id, FileRemoved.class).stream().map(FileRemoved::path).toList());
    }

    @Test
    void icloudPhotosSyncLibraryIsHeldWhileLockedAndAlbumLinksAddOriginsNotPhotos() throws Exception {
        Path dir = folder("ips");
        byte[] a = TestImages.jpeg(86101);
        byte[] b = TestImages.jpeg(86102);
        write(dir.resolve("_All-Photos/AaBbCc.jpeg"), a);
        write(dir.resolve("_All-Photos/DdEeFf.jpeg"), b);
        Path album = Files.createDirectories(dir.resolve(".7f3c2a10-album"));
        Files.createSymbolicLink(album.resolve("IMG_0042.JPG"), Path.of("../_All-Photos/AaBbCc.jpeg"));
        Files.createSymbolicLink(dir.resolve("Summer 2024"), Path.of(".7f3c2a10-album"));
        Files.createSymbolicLink(dir.resolve("_All-Photos/loop"), Path.of("..")); // a link back up: a loop
        Files.createSymbolicLink(dir.resolve("_All-Photos/ping.jpg"), Path.of("pong.jpg")); // links to each other
        Files.createSymbolicLink(dir.resolve("_All-Photos/pong.jpg"), Path.of("ping.jpg"));
        Files.createSymbolicLink(dir.resolve("_All-Photos/gone.jpg"), Path.of("deleted.jpg"));
        assertEquals(0, new ProcessBuilder("mkfifo", dir.resolve("_All-Photos/pipe.jpg").toString()).start().waitFor());
        // icloudpd's downloads: one left by a run that died two days ago, one being written now
        Files.setLastModifiedTime(write(dir.resolve("_All-Photos/QQQSTALE.part"), new byte[10]),
                java.nio.file.attribute.FileTime.from(Instant.now().minus(java.time.Duration.ofDays(2))));
        write(dir.resolve("_All-Photos/RRRFRESH.part"), new byte[10]);
        write(dir.resolve(".icloud-photos-sync"), "{}".getBytes(StandardCharsets.UTF_8));
        Path lock = write(dir.resolve(".library.lock"), "4242".getBytes(StandardCharsets.UTF_8));
        String id = addSource(dir, Map.of());

        JsonPath held = scan(id);
        assertTrue(held.getBoolean("held"));
        scan(id);
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("state", equalTo("held"))
                .body("errors[0]", containsString(".library.lock"));
        assertTrue(eventsOf(id).isEmpty(), "nothing is taken while .library.lock exists");

        Files.delete(lock);
        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() >= 3);
        List<FileArrived> arrived = events.of("folder:" + id, FileArrived.class);
        Map<String, String> shaByPath = arrived.stream().collect(Collectors.toMap(FileArrived::path, FileArrived::sha256));
        assertEquals(Map.of("_All-Photos/AaBbCc.jpeg", TestImages.sha256(a), "_All-Photos/DdEeFf.jpeg", TestImages.sha256(b),
                "Summer 2024/IMG_0042.JPG", TestImages.sha256(a)), shaByPath);
        assertEquals(2, Set.copyOf(shaByPath.values()).size(), "one photo per distinct image");
        JsonPath status = admin().get(SOURCES + "/" + id).then().statusCode(200).extract().jsonPath();
        List<String> errors = status.getList("errors", String.class);
        assertTrue(errors.stream().anyMatch(e -> e.contains("symlink loop")), "the loop is reported: " + errors);
        for (String name : List.of("ping.jpg", "pong.jpg", "gone.jpg")) {
            assertTrue(errors.contains("_All-Photos/" + name + " is a link to nothing that can be read (its target is"
                    + " missing, or links lead back to each other): not taken"), name + ": " + errors);
        }
        assertTrue(errors.contains("_All-Photos/pipe.jpg is not a file but a pipe, socket or device: not read"),
                "a named pipe is said, not read (reading it would wait for a writer): " + errors);
        assertTrue(errors.contains("an unfinished download such as _All-Photos/QQQSTALE.part untouched for over a day:"
                + " did the download tool stop? Such a file is not a photo until the tool renames it; run the tool"
                + " again, or delete it"), "a download left by a tool that stopped is said: " + errors);
        assertTrue(errors.stream().noneMatch(e -> e.contains("RRRFRESH")), "one being written is not: " + errors);
        assertEquals("warning", status.getString("state"), "the rest was taken; the errors say what was not");
    }

    /**
     * The source is its folder, not the host: a link out of it (to a file or a folder elsewhere) is not
     * followed and says so, while the photo inside is taken. A photo later overwritten by something that
     * is not one leaves the frames, as a deleted one does.
     */
    @Test
    void aLinkOutOfTheFolderIsNotFollowedAndAPhotoOverwrittenByTextIsRemoved() throws Exception {
        Path dir = folder("links");
        Path elsewhere = folder("elsewhere");
        write(elsewhere.resolve("private.jpg"), TestImages.jpeg(86201));
        write(elsewhere.resolve("album/secret.jpg"), TestImages.jpeg(86202));
        write(dir.resolve("kept.jpg"), TestImages.jpeg(86203));
        Files.createSymbolicLink(dir.resolve("linked.jpg"), elsewhere.resolve("private.jpg"));
        Files.createSymbolicLink(dir.resolve("linked-album"), elsewhere.resolve("album"));
        String id = addSource(dir, Map.of());

        scanUntil(id, () -> !events.of("folder:" + id, FileArrived.class).isEmpty());
        scan(id);
        scan(id); // a file is taken once two scans saw it unchanged: a followed link would be in by now
        assertEquals(List.of("kept.jpg"), events.of("folder:" + id, FileArrived.class).stream().map(FileArrived::path).toList());
        List<String> errors = admin().get(SOURCES + "/" + id).then().statusCode(200).extract().jsonPath()
                .getList("errors", String.class);
        assertThat(errors, hasItem("symlink at linked.jpg points outside the source folder: not followed"));
        assertThat(errors, hasItem("symlink at linked-album points outside the source folder: not followed"));

        // A name no file event may carry (the ledger refuses control characters): left out, and said.
        write(dir.resolve("tab\tin name.jpg"), TestImages.jpeg(86204));
        scan(id);
        scan(id);
        assertEquals(List.of("kept.jpg"), events.of("folder:" + id, FileArrived.class).stream().map(FileArrived::path).toList());
        assertThat(admin().get(SOURCES + "/" + id).then().statusCode(200).extract().jsonPath().getList("errors", String.class),
                hasItem("tab?in name.jpg has a control character (U+0009) in its name: not taken; rename it"));

        Files.writeString(dir.resolve("kept.jpg"), "not a photo any more");
        scanUntil(id, () -> events.of("folder:" + id, FileRemoved.class).stream().anyMatch(r -> r.path().equals("kept.jpg")));
        assertTrue(events.of("folder:" + id, FileSkipped.class).stream().anyMatch(s -> s.path().equals("kept.jpg")));
    }

    /**
     * Names in Latin-1, as SMB shares and old ZIPs leave them: Java sees each byte that is not UTF-8 as
     * U+FFFD, and cannot open the file by that text. Such a file is left out with a reason a person can act
     * on, each named by its own bytes; the photo beside it, and a name with a real U+FFFD, are taken; the
     * source is not retrying.
     */
    @Test
    void aNameThatIsNotUtf8IsLeftOutAndSaid() throws Exception {
        Path dir = folder("latin1");
        write(dir.resolve("kept.jpg"), TestImages.jpeg(88101));
        write(dir.resolve("z\uFFFD.jpg"), TestImages.jpeg(88102)); // UTF-8 bytes EF BF BD: a name like any
        Path elsewhere = folder("latin1-from");
        Path photo = write(elsewhere.resolve("photo.jpg"), TestImages.jpeg(88103));
        Path other = write(elsewhere.resolve("other.jpg"), TestImages.jpeg(88104));
        copyToLatin1Name(photo, dir.resolve("latin2"), "y\\351.jpg");
        copyToLatin1Name(other, dir.resolve("latin2"), "y\\350.jpg");
        String id = addSource(dir, Map.of());

        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() >= 2);
        scan(id);
        scan(id); // a file is taken once two scans saw it unchanged: a Latin-1 one would have been tried by now
        assertEquals(Set.of("kept.jpg", "z\uFFFD.jpg"),
                events.of("folder:" + id, FileArrived.class).stream().map(FileArrived::path).collect(Collectors.toSet()));
        assertTrue(eventsOf(id).stream().noneMatch(e -> e.path().startsWith("latin2/")), "nothing announced: " + eventsOf(id));
        JsonPath status = admin().get(SOURCES + "/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(status.getList("errors", String.class), hasItem("latin2/y\\xE9.jpg: its name is not UTF-8 text,"
                + " which this service cannot open: not taken; rename it (e.g. convmv -f latin1 -t utf8)"));
        assertThat(status.getList("errors", String.class), hasItem(containsString("latin2/y\\xE8.jpg: its name is not UTF-8")));
        assertEquals("warning", status.getString("state"), "nothing to retry, something to say: " + status.getList("errors"));
        assertEquals(0, status.getInt("lastScan.failed"));
    }

    /** Copies a file to a name given in the shell's printf notation: java.nio cannot make a name that is not UTF-8. */
    private static void copyToLatin1Name(Path file, Path dir, String printfName) throws Exception {
        Files.createDirectories(dir);
        Process cp = new ProcessBuilder("sh", "-c", "cp \"$0\" \"$1/$(printf '" + printfName + "')\"",
                file.toString(), dir.toString()).inheritIO().start();
        assertEquals(0, cp.waitFor(), "cp into " + dir);
    }

    /**
     * Include globs match case for case, as rsync's do: {@code *.jpg} leaves a camera's {@code IMG_1.JPG}
     * out. The scan counts what its globs left out and says when case alone did, with the glob that takes both.
     */
    @Test
    void filesTheGlobsLeaveOutAreCountedAndACaseMismatchIsSaid() throws Exception {
        Path dir = folder("globs");
        write(dir.resolve("a.jpg"), TestImages.jpeg(86501));
        write(dir.resolve("IMG_0001.JPG"), TestImages.jpeg(86502));
        write(dir.resolve("notes.txt"), "not a photo".getBytes(StandardCharsets.UTF_8));
        write(dir.resolve("raw/r.jpg"), TestImages.jpeg(86503));
        write(dir.resolve("raw/s.jpg"), TestImages.jpeg(86504));
        String id = addSource(dir, Map.of("include", List.of("*.jpg"), "exclude", List.of("raw")));
        scanUntil(id, () -> !events.of("folder:" + id, FileArrived.class).isEmpty());
        JsonPath status = admin().get(SOURCES + "/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(2, status.getMap("lastScan.skipped").get("left out by the source's include/exclude globs"), status.prettify());
        assertEquals(1, status.getMap("lastScan.skipped").get("folders left out by the source's exclude globs, unread"), status.prettify());
        assertThat(status.getList("errors", String.class), hasItem("a file such as IMG_0001.JPG left out only by the case"
                + " of the include globs (*.jpg): globs match case for case: to take them, write e.g. *.{jpg,JPG};"
                + " to leave them out quietly, exclude them"));
        assertEquals("warning", status.getString("state"));

        admin().body(Map.of("path", dir.toString(), "include", List.of("*.{jpg,JPG}"), "exclude", List.of("raw"), "pollSeconds", 3600, "stableSeconds", 0))
                .put(SOURCES + "/" + id).then().statusCode(200);
        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() == 2);
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("state", equalTo("ok"))
                .body("errors", org.hamcrest.Matchers.empty());
    }

    /**
     * An unmounted share leaves its mount point behind, empty: its photos are not retired (every frame
     * would go blank), the source says why, and nothing changes when the share comes back.
     */
    @Test
    void anEmptiedMountPointRemovesNothing() throws Exception {
        Path dir = folder("mount");
        write(dir.resolve("IMG_0200.jpg"), TestImages.jpeg(86401));
        String id = addSource(dir, Map.of());
        scanUntil(id, () -> !events.of("folder:" + id, FileArrived.class).isEmpty());

        Path away = Files.move(dir, dir.resolveSibling(dir.getFileName() + "-away"));
        Files.createDirectory(dir);
        scan(id);
        scan(id);
        assertTrue(events.of("folder:" + id, FileRemoved.class).isEmpty(), "removed from an empty mount point: " + eventsOf(id));
        var emptied = admin().get(SOURCES + "/" + id).then().statusCode(200).extract().jsonPath();
        assertThat(emptied.getList("errors", String.class),
                hasItem("the folder is empty, but a photo came from it: if it is a share, is it mounted?"
                        + " Nothing is reported removed while it stays completely empty"));
        assertEquals("warning", emptied.getString("state"));

        Files.delete(dir);
        Files.move(away, dir);
        scan(id);
        scan(id);
        assertTrue(events.of("folder:" + id, FileRemoved.class).isEmpty());
        assertEquals(1, events.of("folder:" + id, FileArrived.class).size(), "taken again: " + eventsOf(id));
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("state", equalTo("ok"));
    }

    /**
     * Inside the source, a folder emptied of its photos is a removal of each, whether it stays (icloudpd's
     * auto-delete leaves its date folders behind) or goes. Only the root's emptiness is held as a share
     * that may be unmounted: inside, its contents cannot tell an unmounted share from a cleared album.
     */
    @Test
    void aFolderEmptiedInsideTheSourceRemovesItsPhotos() throws Exception {
        Path dir = folder("albums");
        write(dir.resolve("2024/06/IMG_0300.jpg"), TestImages.jpeg(86501));
        write(dir.resolve("2024/07/IMG_0301.jpg"), TestImages.jpeg(86502));
        write(dir.resolve("old/IMG_0302.jpg"), TestImages.jpeg(86503));
        String id = addSource(dir, Map.of());
        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() == 3);

        Files.delete(dir.resolve("2024/06/IMG_0300.jpg"));
        Files.writeString(dir.resolve("2024/06/.DS_Store"), "Finder's"); // ignored: the folder is empty
        PathUtils.deleteDirectory(dir.resolve("old"));
        scanUntil(id, () -> events.of("folder:" + id, FileRemoved.class).size() == 2);
        assertEquals(java.util.Set.of("2024/06/IMG_0300.jpg", "old/IMG_0302.jpg"), events.of("folder:" + id, FileRemoved.class)
                .stream().map(FileRemoved::path).collect(java.util.stream.Collectors.toSet()), eventsOf(id).toString());
    }

    /** Sorting a photo into an album folder moves its origin; it never leaves the frames meanwhile. */
    @Test
    void aPhotoMovedWithinTheFolderIsAMoveNotARemoval() throws Exception {
        Path dir = folder("sorted");
        write(dir.resolve("IMG_0100.jpg"), TestImages.jpeg(86301));
        write(dir.resolve("IMG_0101.jpg"), TestImages.jpeg(86302)); // stays where it is
        String id = addSource(dir, Map.of());
        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() == 2);

        Files.createDirectories(dir.resolve("Summer"));
        Files.move(dir.resolve("IMG_0100.jpg"), dir.resolve("Summer/IMG_0100.jpg"));
        scan(id);
        assertEquals(List.of("IMG_0100.jpg -> Summer/IMG_0100.jpg"), events.of("folder:" + id, FileMoved.class).stream()
                .map(m -> m.path() + " -> " + m.toPath()).toList());
        scan(id);
        scan(id);
        assertTrue(events.of("folder:" + id, FileRemoved.class).isEmpty(), "a removal: " + eventsOf(id));
        assertEquals(2, events.of("folder:" + id, FileArrived.class).size(), "the moved photo arrived again: " + eventsOf(id));
    }

    @Test
    void synologyShareWithLivePhotoSidecarVideoAndADeletion() throws Exception {
        Path dir = folder("synology");
        byte[] still = TestImages.jpeg(86201);
        write(dir.resolve("photos/IMG_2000.JPG"), still);
        write(dir.resolve("photos/IMG_2000.MOV"), movie("qt  "));
        write(dir.resolve("photos/IMG_2000.AAE"), "<?xml version=\"1.0\"?><plist/>".getBytes(StandardCharsets.UTF_8));
        write(dir.resolve("photos/clip.MP4"), movie("isom"));
        write(dir.resolve("photos/@eaDir/IMG_2000.JPG/SYNOPHOTO_THUMB_XL.jpg"), TestImages.jpeg(86202));
        write(dir.resolve("photos/@eaDir/IMG_2000.JPG/SYNOFILE_THUMB_M.jpg"), TestImages.jpeg(86203));
        write(dir.resolve("#recycle/old.jpg"), TestImages.jpeg(86204));
        write(dir.resolve("photos/._IMG_2000.JPG"), new byte[]{0, 5, 22, 7});
        write(dir.resolve("photos/.DS_Store"), new byte[]{0, 0, 0, 1});
        write(dir.resolve("photos/Thumbs.db"), new byte[]{1, 2, 3});
        // a window no scan reaches during the simulation: the scheduler's own first scan only records the files
        String id = addSource(dir, Map.of("onDelete", "keep", "stableSeconds", 3600));

        // simulate: what a scan would take, and nothing happens
        admin().post(SOURCES + "/" + id + "/simulate").then().statusCode(200)
                .body("discovered", equalTo(4)).body("new", equalTo(1)).body("duplicate", equalTo(0))
                .body("failed", equalTo(0))
                .body("skipped.'live-photo video'", equalTo(1)).body("skipped.sidecar", equalTo(1))
                .body("skipped.'video not supported'", equalTo(1));
        assertTrue(eventsOf(id).isEmpty(), "a simulation announces nothing");
        // (the scheduler may have scanned the new source meanwhile; a simulation is never recorded as its scan)
        admin().get(SOURCES + "/" + id).then().statusCode(200)
                .body("lastScan.simulated", org.hamcrest.Matchers.anyOf(nullValue(), equalTo(false)));

        admin().body(Map.of("path", dir.toString(), "onDelete", "keep", "pollSeconds", 3600, "stableSeconds", 0))
                .put(SOURCES + "/" + id).then().statusCode(200);
        scanUntil(id, () -> eventsOf(id).size() >= 4);
        List<FileEvent> all = eventsOf(id);
        assertEquals(List.of("photos/IMG_2000.JPG"), all.stream().filter(FileArrived.class::isInstance)
                .map(FileEvent::path).toList());
        Map<String, String> skipped = all.stream().filter(FileSkipped.class::isInstance).map(FileSkipped.class::cast)
                .collect(Collectors.toMap(FileSkipped::path, FileSkipped::reason));
        assertEquals(Map.of("photos/IMG_2000.MOV", "live-photo video", "photos/IMG_2000.AAE", "sidecar",
                "photos/clip.MP4", "video not supported"), skipped);
        assertTrue(all.stream().noneMatch(e -> e.path().contains("@eaDir") || e.path().contains("#recycle")
                || e.path().contains("/.") || e.path().contains("Thumbs")), "ignored files stay out: " + all);
        assertEquals(Map.of("live-photo video", 1, "sidecar", 1, "video not supported", 1), skippedTotals(id));
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("totals.imported", equalTo(1))
                .body("totals.skipped.'live-photo video'", equalTo(1)).body("totals.skipped.sidecar", equalTo(1))
                .body("totals.skipped.'video not supported'", equalTo(1));

        // deleted at the source: removed, with the source's policy
        Files.delete(dir.resolve("photos/IMG_2000.JPG"));
        scanUntil(id, () -> !events.of("folder:" + id, FileRemoved.class).isEmpty());
        List<FileRemoved> removed = events.of("folder:" + id, FileRemoved.class);
        assertEquals(1, removed.size());
        assertEquals("photos/IMG_2000.JPG", removed.get(0).path());
        assertEquals(RemovalPolicy.KEEP, removed.get(0).onDelete());
        scan(id);
        assertEquals(1, events.of("folder:" + id, FileRemoved.class).size(), "a removal is announced once");
        // Its video is a video again, not half of a live photo; and half of one once the photo is back (icloudpd
        // may write the MOV before the photo).
        scanUntil(id, () -> movReasons(id).size() >= 2);
        write(dir.resolve("photos/IMG_2000.JPG"), still);
        scanUntil(id, () -> movReasons(id).size() >= 3);
        assertEquals(List.of("live-photo video", "video not supported", "live-photo video"), movReasons(id));
        scan(id);
        assertEquals(3, movReasons(id).size(), "said once each time it changes");
    }

    private List<String> movReasons(String id) {
        return events.of("folder:" + id, FileSkipped.class).stream().filter(e -> e.path().equals("photos/IMG_2000.MOV"))
                .map(FileSkipped::reason).toList();
    }

    /**
     * A skipped file removed from the folder is announced removed too: the ledger lists skipped files
     * for the ops page until they arrive as a photo or are removed, and only this event tells it.
     */
    @Test
    void aSkippedFileRemovedIsAnnouncedRemoved() throws Exception {
        Path dir = folder("icloud");
        write(dir.resolve("notes.txt"), "shopping list".getBytes(StandardCharsets.UTF_8));
        write(dir.resolve("IMG_3000.AAE"), "<?xml version=\"1.0\"?><plist/>".getBytes(StandardCharsets.UTF_8));
        String id = addSource(dir, Map.of());
        scanUntil(id, () -> events.of("folder:" + id, FileSkipped.class).size() >= 2);
        assertTrue(events.of("folder:" + id, FileRemoved.class).isEmpty());

        Files.delete(dir.resolve("notes.txt"));
        Files.delete(dir.resolve("IMG_3000.AAE"));
        scanUntil(id, () -> events.of("folder:" + id, FileRemoved.class).size() >= 2);
        assertEquals(List.of("IMG_3000.AAE", "notes.txt"), events.of("folder:" + id, FileRemoved.class).stream()
                .map(FileEvent::path).sorted().toList());
        scan(id);
        assertEquals(2, events.of("folder:" + id, FileRemoved.class).size(), "a removal is announced once");
    }

    /**
     * A deleted source announces every file it held gone, with its {@code onDelete} (its photos leave the
     * frames, a skipped file the ledger's list); the files stay. Added again, it takes them again. Before,
     * the snapshot went with the source while its photos stayed, and a file deleted meanwhile was never
     * announced removed.
     */
    @Test
    void aDeletedSourceAnnouncesItsFilesGoneAndTakesThemAgainWhenAddedAgain() throws Exception {
        Path dir = folder("readd");
        write(dir.resolve("a.jpg"), TestImages.jpeg(86801));
        write(dir.resolve("album/b.jpg"), TestImages.jpeg(86802));
        write(dir.resolve("notes.txt"), "shopping list".getBytes(StandardCharsets.UTF_8));
        String id = addSource(dir, Map.of("onDelete", "keep"));
        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() == 2
                && events.of("folder:" + id, FileSkipped.class).size() == 1);
        assertTrue(events.of("folder:" + id, FileRemoved.class).isEmpty());

        admin().delete(SOURCES + "/" + id).then().statusCode(204);
        await().atMost(WAIT).until(() -> events.of("folder:" + id, FileRemoved.class).size() >= 3);
        List<FileRemoved> removed = events.of("folder:" + id, FileRemoved.class);
        assertEquals(List.of("a.jpg", "album/b.jpg", "notes.txt"), removed.stream().map(FileEvent::path).sorted().toList(),
                eventsOf(id).toString());
        assertTrue(removed.stream().allMatch(r -> r.policy() == RemovalPolicy.KEEP), "with the source's onDelete: " + removed);
        assertTrue(Files.exists(dir.resolve("a.jpg")), "the files stay in the folder");
        admin().delete(SOURCES + "/" + id).then().statusCode(404);

        Files.delete(dir.resolve("album/b.jpg"));
        addSource(dir, Map.of());
        scanUntil(id, () -> events.of("folder:" + id, FileArrived.class).size() == 3);
        scan(id);
        assertEquals(List.of("a.jpg", "a.jpg", "album/b.jpg"), events.of("folder:" + id, FileArrived.class).stream()
                .map(FileEvent::path).sorted().toList(), "taken again, the deleted one not: " + eventsOf(id));
        assertEquals(3, events.of("folder:" + id, FileRemoved.class).size(), "nothing announced twice: " + eventsOf(id));
    }

    /** Skips counted per source, over every scan: the ledger's count, here from the events themselves. */
    private static Map<String, Integer> skippedTotals(String id) {
        return events.of("folder:" + id, FileSkipped.class).stream()
                .collect(Collectors.toMap(FileSkipped::reason, s -> 1, Integer::sum));
    }

    /**
     * An archive that cannot be made (here a file stands where its folder goes) leaves the photo stored and its
     * file in the folder: the failure is said at every scan, not once, and the move happens at the first scan
     * after the cause is gone.
     */
    @Test
    void anArchiveThatFailsIsTriedAgainAtEveryScanUntilItIsDone() throws Exception {
        Path dir = folder("archive-blocked");
        Path archive = folder("archive-blocked-target");
        String id = addSource(dir, Map.of("afterImport", "archive", "archivePath", archive.resolve("inbox").toString()));
        Files.createDirectories(archive.resolve("inbox"));
        Files.delete(archive.resolve("inbox"));
        Files.writeString(archive.resolve("inbox"), "not a folder");
        write(dir.resolve("IMG_7.JPG"), TestImages.jpeg(86311));
        scanUntil(id, () -> !events.of("folder:" + id, FileArrived.class).isEmpty());
        for (int i = 0; i < 2; i++) {
            List<String> errors = scan(id).getList("errors");
            assertTrue(errors.stream().anyMatch(e -> e.startsWith("after import of IMG_7.JPG (archive): ")
                    && e.endsWith("; tried again at every scan")), "scan " + i + ": " + errors);
            assertTrue(Files.exists(dir.resolve("IMG_7.JPG")));
        }
        Files.delete(archive.resolve("inbox"));
        JsonPath done = scan(id);
        assertEquals(List.of(), done.getList("errors"));
        assertEquals(1, done.getInt("archived"));
        assertFalse(Files.exists(dir.resolve("IMG_7.JPG")));
        assertTrue(Files.exists(archive.resolve("inbox/IMG_7.JPG")));
        FileMoved moved = await().atMost(WAIT).until(() -> events.of("folder:" + id, FileMoved.class), m -> !m.isEmpty()).get(0);
        assertEquals(archive.resolve("inbox/IMG_7.JPG").toString(), moved.toPath());
        assertEquals(1, events.of("folder:" + id, FileArrived.class).size(), "stored once, not again at the retries");
        assertTrue(events.of("folder:" + id, FileRemoved.class).isEmpty());
    }

    @Test
    void afterImportArchiveMovesAndDeleteRemovesOnlyOnceStored() throws Exception {
        Path dir = folder("archive");
        Path archive = folder("archive-target");
        byte[] jpeg = TestImages.jpeg(86301);
        write(dir.resolve("2024/IMG_1.JPG"), jpeg);
        String archived = addSource(dir, Map.of("afterImport", "archive", "archivePath", archive.toString()));
        scanUntil(archived, () -> !events.of("folder:" + archived, FileMoved.class).isEmpty());
        FileMoved moved = events.of("folder:" + archived, FileMoved.class).get(0);
        assertEquals("2024/IMG_1.JPG", moved.path());
        assertEquals(archive.resolve("2024/IMG_1.JPG").toString(), moved.toPath());
        assertTrue(Files.exists(archive.resolve("2024/IMG_1.JPG")));
        assertFalse(Files.exists(dir.resolve("2024/IMG_1.JPG")));
        List<FileEvent> order = eventsOf(archived);
        assertTrue(order.get(0) instanceof FileArrived, "stored and announced before it is moved: " + order);
        scan(archived);
        assertTrue(events.of("folder:" + archived, FileRemoved.class).isEmpty(), "archiving is not a removal");

        // The same file downloaded again (icloudpd finds it gone from its folder): no second copy in the archive.
        // Other bytes under the same name are kept beside it.
        write(dir.resolve("2024/IMG_1.JPG"), jpeg);
        scanUntil(archived, () -> events.of("folder:" + archived, FileMoved.class).size() == 2);
        assertFalse(Files.exists(dir.resolve("2024/IMG_1.JPG")));
        assertEquals(archive.resolve("2024/IMG_1.JPG").toString(), events.of("folder:" + archived, FileMoved.class).get(1).toPath());
        write(dir.resolve("2024/IMG_1.JPG"), TestImages.jpeg(86303));
        scanUntil(archived, () -> events.of("folder:" + archived, FileMoved.class).size() == 3);
        assertEquals(archive.resolve("2024/IMG_1-1.JPG").toString(), events.of("folder:" + archived, FileMoved.class).get(2).toPath());
        try (var files = Files.list(archive.resolve("2024"))) {
            assertEquals(List.of("IMG_1-1.JPG", "IMG_1.JPG"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
        assertTrue(events.of("folder:" + archived, FileRemoved.class).isEmpty());

        Path deleting = folder("delete");
        byte[] other = TestImages.jpeg(86302);
        write(deleting.resolve("IMG_2.JPG"), other);
        String deleted = addSource(deleting, Map.of("afterImport", "delete"));
        scanUntil(deleted, () -> !Files.exists(deleting.resolve("IMG_2.JPG")));
        FileArrived arrived = events.of("folder:" + deleted, FileArrived.class).get(0);
        s3.statObject(StatObjectArgs.builder().bucket("imgboard-originals").object(arrived.originalKey()).build());
        assertEquals(TestImages.sha256(other), arrived.sha256());
        scan(deleted);
        assertTrue(events.of("folder:" + deleted, FileRemoved.class).isEmpty(), "deleting after import is not a removal");
    }

    @Test
    void pollingFindsFilesWithoutBeingAsked() throws Exception {
        Path dir = folder("polled");
        String id = addSource(dir, Map.of("pollSeconds", 1, "stableSeconds", 1));
        byte[] jpeg = TestImages.jpeg(86401);
        write(dir.resolve("IMG_9.JPG"), jpeg);
        await().atMost(WAIT).until(() -> !events.of("folder:" + id, FileArrived.class).isEmpty());
        assertEquals(TestImages.sha256(jpeg), events.of("folder:" + id, FileArrived.class).get(0).sha256());
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("lastScanAt", org.hamcrest.Matchers.notNullValue())
                .body("lastScan.discovered", equalTo(1));
    }

    @Test
    void aDropIsTakenOnTheWatchHintWithoutWaitingForThePoll() throws Exception {
        Path dir = folder("hinted");
        String id = addSource(dir, Map.of("pollSeconds", 3600, "stableSeconds", 1));
        // the scheduler's first scan walks the empty folder (and watches it); the next poll is an hour away
        await().atMost(WAIT).until(() -> admin().get(SOURCES + "/" + id).then().statusCode(200).extract()
                .jsonPath().get("lastScanAt") != null);
        byte[] jpeg = TestImages.jpeg(86501);
        Path aside = write(dir.resolve(".incoming-IMG_7.JPG"), jpeg);
        Files.move(aside, dir.resolve("IMG_7.JPG"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        // found on the hint, taken on the re-check when its window ends: seconds, not the poll's hour
        await().atMost(Duration.ofSeconds(20)).until(() -> !events.of("folder:" + id, FileArrived.class).isEmpty());
        FileArrived arrived = events.of("folder:" + id, FileArrived.class).get(0);
        assertEquals("IMG_7.JPG", arrived.path());
        assertEquals(TestImages.sha256(jpeg), arrived.sha256());
        assertTrue(eventsOf(id).stream().noneMatch(e -> e.path().startsWith(".")), "the file aside is never taken");
    }

    @Test
    void aFileWrittenSlowlyInChunksIsTakenOnlyOnceItStoppedChangingForTheWindow() throws Exception {
        Path dir = folder("slow-writer");
        int window = 3;
        String id = addSource(dir, Map.of("pollSeconds", 3600, "stableSeconds", window));
        await().atMost(WAIT).until(() -> admin().get(SOURCES + "/" + id).then().statusCode(200).extract()
                .jsonPath().get("lastScanAt") != null);
        // a Finder or Explorer copy over SMB: the final name from the first byte, the rest in chunks, here
        // 8 of them half a second apart: 3.5 s of writing, longer than the window, never still for a window
        byte[] jpeg = TestImages.jpeg(86601);
        Path photo = dir.resolve("DSC_0001.JPG");
        int chunks = 8;
        long lastWrite = 0;
        for (int i = 0; i < chunks; i++) {
            int from = jpeg.length * i / chunks;
            int to = jpeg.length * (i + 1) / chunks;
            Files.write(photo, java.util.Arrays.copyOfRange(jpeg, from, to), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            lastWrite = System.nanoTime();
            if (i < chunks - 1) {
                // each chunk is hinted and scanned; none may be taken while the file still grows
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> events.of("folder:" + id, FileArrived.class).isEmpty());
            }
        }
        await().atMost(WAIT).until(() -> !events.of("folder:" + id, FileArrived.class).isEmpty());
        long seenAfter = System.nanoTime() - lastWrite;
        List<FileArrived> arrived = events.of("folder:" + id, FileArrived.class);
        assertEquals(1, arrived.size(), "one photo, never a partial version: " + arrived);
        assertEquals(TestImages.sha256(jpeg), arrived.get(0).sha256(), "the whole file, not a part of it");
        assertTrue(seenAfter >= Duration.ofSeconds(window).toNanos(),
                "taken " + seenAfter / 1_000_000 + " ms after the last write, before its " + window + " s window");
        // taken by the re-check when the window ended, not by the poll an hour away
        assertTrue(seenAfter < Duration.ofSeconds(window + 15).toNanos(), "taken after " + seenAfter / 1_000_000 + " ms");
    }

    @Test
    void aMissingFolderIsAClearErrorNeverACrash() throws Exception {
        Path missing = base.resolve("not-mounted-" + UUID.randomUUID());
        String id = "missing-" + UUID.randomUUID().toString().substring(0, 8);
        admin().body(Map.of("id", id, "path", missing.toString())).post(SOURCES).then().statusCode(201)
                .body("state", equalTo("error")).body("errors[0]", containsString("does not exist"));
        scan(id);
        admin().get(SOURCES).then().statusCode(200).body("id", hasItem(id));
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("lastScan.errors[0]", containsString("does not exist"));
        // once it appears, it is scanned like any other
        Files.createDirectories(missing);
        scan(id);
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("state", equalTo("ok"));

        // a source moved to another folder no longer shows the old folder's errors
        String moved = "moved-" + UUID.randomUUID().toString().substring(0, 8);
        Path gone = base.resolve("not-mounted-" + UUID.randomUUID());
        admin().body(Map.of("id", moved, "path", gone.toString())).post(SOURCES).then().statusCode(201);
        scan(moved);
        admin().get(SOURCES + "/" + moved).then().statusCode(200).body("errors[0]", containsString("does not exist"));
        admin().body(Map.of("path", folder("moved").toString())).put(SOURCES + "/" + moved).then().statusCode(200)
                .body("state", equalTo("ok")).body("errors", org.hamcrest.Matchers.empty());
        admin().delete(SOURCES + "/" + moved).then().statusCode(204);
    }

    /** A folder outside {@code imgboard.source-roots} (the test profile allows target/folder-sources). */
    private static Path outside(String name) throws IOException {
        return Files.createDirectories(base.resolveSibling("outside-sources")
                .resolve(name + "-" + UUID.randomUUID().toString().substring(0, 8)));
    }

    /**
     * An admin token is a client too: a source may only use folders the operator handed to ingest, by their
     * real path, whatever the admin sends; the refusal says which folder and where sources may be.
     */
    @Test
    void aSourceOutsideTheAllowedRootsIsRefusedWithItsReason() throws Exception {
        Path pictures = outside("pictures");
        write(pictures.resolve("IMG_1.JPG"), TestImages.jpeg(86701));
        admin().body(Map.of("id", "outside-path", "path", pictures.toString(), "afterImport", "delete")).post(SOURCES)
                .then().statusCode(400).body("status", equalTo(400))
                .body("error", containsString("path " + pictures + " is outside the folders sources may use: " + base))
                .body("error", containsString("IMGBOARD_SOURCE_ROOTS"));

        Path dir = folder("archive-outside");
        Path archive = outside("archive");
        admin().body(Map.of("id", "outside-archive", "path", dir.toString(), "afterImport", "archive",
                "archivePath", archive.toString())).post(SOURCES).then().statusCode(400)
                .body("error", containsString("archivePath " + archive + " is outside the folders sources may use"));

        // a link inside an allowed folder counts where it leads
        Path link = Files.createSymbolicLink(base.resolve("link-" + UUID.randomUUID().toString().substring(0, 8)), pictures);
        admin().body(Map.of("id", "outside-link", "path", link.toString(), "afterImport", "delete")).post(SOURCES)
                .then().statusCode(400)
                .body("error", containsString("path " + link + " (it leads to " + pictures + ") is outside"));

        // changing a source in an allowed folder to one outside is refused the same way, and changes nothing
        String id = addSource(dir, Map.of());
        admin().body(Map.of("path", pictures.toString(), "afterImport", "delete")).put(SOURCES + "/" + id).then()
                .statusCode(400).body("error", containsString("is outside the folders sources may use"));
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("path", equalTo(dir.toString()));
        admin().get(SOURCES).then().statusCode(200).body("id", org.hamcrest.Matchers.not(hasItem("outside-path")));
        assertTrue(Files.exists(pictures.resolve("IMG_1.JPG")));
    }

    /**
     * A source added inside the allowed folders whose folder is later made to lead outside (its link swapped):
     * the next scans read, move and delete nothing there, and the source's errors say why.
     */
    @Test
    void aSourceWhoseFolderLaterLeadsOutsideIsNotScanned() throws Exception {
        Path inside = folder("swapped-inside");
        Path pictures = outside("swapped-pictures");
        write(inside.resolve("IMG_1.JPG"), TestImages.jpeg(86801));
        Path mine = write(pictures.resolve("IMG_2.JPG"), TestImages.jpeg(86802));
        Path link = Files.createSymbolicLink(base.resolve("swap-" + UUID.randomUUID().toString().substring(0, 8)), inside);
        String id = addSource(link, Map.of("afterImport", "delete"));
        scanUntil(id, () -> !Files.exists(inside.resolve("IMG_1.JPG"))); // deletes where it may

        Files.delete(link);
        Files.createSymbolicLink(link, pictures);
        JsonPath report = scan(id);
        report = scan(id); // a file is taken once two scans saw it unchanged: it would be gone by now
        assertThat(report.getList("errors", String.class),
                hasItem(containsString("path " + link + " (it leads to " + pictures + ") is outside the folders sources may use")));
        assertEquals(0, report.getInt("discovered"));
        assertTrue(Files.exists(mine), "a file outside the allowed folders was deleted");
        assertEquals(List.of("IMG_1.JPG"), events.of("folder:" + id, FileArrived.class).stream().map(FileArrived::path).toList());
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("state", equalTo("error"))
                .body("errors[0]", containsString("is outside the folders sources may use"))
                .body("lastScan.errors[0]", containsString("is outside the folders sources may use"));

        // at the next start, the log says it too (an upgrade that narrowed the folders must not go unnoticed)
        java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                            : record.getMessage());
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(SourceService.class.getName());
        logger.addHandler(capture);
        try {
            assertThat(sourceService.warnOutOfBounds(), hasItem(id));
        } finally {
            logger.removeHandler(capture);
        }
        assertTrue(warnings.stream().anyMatch(w -> w.contains("folder source " + id + " is not scanned: path " + link)
                && w.contains("IMGBOARD_SOURCE_ROOTS")), "no warning naming " + id + " in " + warnings);
    }

    /** A link inside the archive folder that leads out of it: the file stays where it is (the scan's errors say so). */
    @Test
    void aFolderOfTheArchiveThatLeadsOutIsNotArchivedInto() throws Exception {
        Path dir = folder("archive-link");
        Path archive = folder("archive-link-target");
        Path elsewhere = outside("archive-elsewhere");
        Files.createSymbolicLink(archive.resolve("2024"), elsewhere);
        Path photo = write(dir.resolve("2024/IMG_1.JPG"), TestImages.jpeg(86901));
        String id = addSource(dir, Map.of("afterImport", "archive", "archivePath", archive.toString()));
        scanUntil(id, () -> !events.of("folder:" + id, FileArrived.class).isEmpty());
        scan(id);
        assertTrue(Files.exists(photo));
        assertEquals(List.of(), Files.list(elsewhere).toList());
        assertTrue(events.of("folder:" + id, FileMoved.class).isEmpty());
    }

    @Test
    void settingsAreValidatedChangedAndDeleted() throws Exception {
        Path dir = folder("crud");
        admin().body(Map.of("id", "Bad Id", "path", dir.toString())).post(SOURCES).then().statusCode(400)
                .body("error", containsString("invalid source id")).body("status", equalTo(400));
        admin().body(Map.of("id", "rel", "path", "photos/raw")).post(SOURCES).then().statusCode(400)
                .body("error", containsString("not absolute"));
        // a NUL (no path at all) or a line break (a forged log line) in a path: refused with the reason
        for (String hostile : List.of(dir + "/sub\u0000x", dir + "/sub\n2026-12-06 05:00:00,000 ERROR [forged] fake line")) {
            admin().body(Map.of("id", "ctl", "path", hostile)).post(SOURCES).then().statusCode(400)
                    .body("error", containsString("control character"));
        }
        admin().body(Map.of("id", "arch", "path", dir.toString(), "afterImport", "archive")).post(SOURCES).then()
                .statusCode(400).body("error", containsString("archivePath"));
        String id = addSource(dir, Map.of("exclude", List.of("**/*.tif")));
        admin().body(Map.of("id", id, "path", dir.toString())).post(SOURCES).then().statusCode(409);
        admin().body(Map.of("path", dir.toString(), "onDelete", "keep", "recursive", false)).put(SOURCES + "/" + id)
                .then().statusCode(200).body("onDelete", equalTo("keep")).body("recursive", equalTo(false));
        admin().get(SOURCES + "/" + id).then().statusCode(200).body("onDelete", equalTo("keep"))
                .body("configuredBy", equalTo("api"));
        given().get(SOURCES).then().statusCode(401);
        given().header("Authorization", "Bearer " + uploadToken).get(SOURCES).then().statusCode(401);
        admin().delete(SOURCES + "/" + id).then().statusCode(204);
        admin().get(SOURCES + "/" + id).then().statusCode(404).body("error", containsString("no source"));
    }
}
