package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.testing.SseClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A folder filled the way icloud-photos-sync and a Synology share fill one, added as a source through
 * ingest's admin API: every distinct image ends as exactly one photo on a frame's SSE stream; album
 * links, live-photo videos, sidecars, NAS thumbnails and partial downloads never become photos.
 */
@ExtendWith(SharedSystem.class)
class FolderSourceIT {
    private static final Credentials CREDENTIALS = SharedSystem.CREDENTIALS;
    private static final Duration PIPELINE = Duration.ofSeconds(120);

    @TempDir
    static Path home; // scratch for a photo made outside the library
    /** JUnit deletes it after the class. */
    @TempDir
    static Path library;
    private static LocalSystem system;

    @BeforeAll
    static void startEverything() throws Exception {
        system = SharedSystem.system(); // shared with the other classes of this JVM: see SharedSystem
    }


    @Test
    void aFolderDropEndsAsExactlyOnePhotoPerDistinctImage() throws Exception {
        Path all = Files.createDirectories(library.resolve("_All-Photos"));
        Path a = Photos.iphonePortrait(all, "AaBb01.jpeg", 31);
        Path b = Photos.iphonePortrait(all, "CcDd02.jpeg", 32);
        Path c = Photos.iphonePortrait(Files.createDirectories(library.resolve("2024/07/14")), "IMG_0003.JPG", 33);
        // an album: a readable-name link to a hidden folder of links into _All-Photos
        Path album = Files.createDirectories(library.resolve(".4c1d-album"));
        Files.createSymbolicLink(album.resolve("IMG_0001.JPG"), Path.of("../_All-Photos/AaBb01.jpeg"));
        Files.createSymbolicLink(library.resolve("Summer"), Path.of(".4c1d-album"));
        // the moving half of a live photo, its sidecar, a Synology thumbnail and a download in progress
        Files.write(library.resolve("2024/07/14/IMG_0003.MOV"), movie());
        Files.writeString(library.resolve("2024/07/14/IMG_0003.AAE"), "<?xml version=\"1.0\"?><plist/>");
        Path thumbnail = Files.createDirectories(library.resolve("2024/07/14/@eaDir/IMG_0003.JPG"));
        Path thumb = Photos.iphonePortrait(thumbnail, "SYNOPHOTO_THUMB_XL.jpg", 34);
        Files.copy(Photos.iphonePortrait(home, "partial.jpg", 35), library.resolve("2024/07/14/XYZ.part"));
        List<String> distinct = List.of(sha256(a), sha256(b), sha256(c));

        SseClient frame = new SseClient(URI.create(system.url("display-service") + "/api/v1/events"));
        try (frame) {
            await().atMost(Duration.ofSeconds(20)).until(() -> !frame.events("page").isEmpty());
            String settings = "{\"id\":\"nas\",\"path\":\"" + library + "\",\"pollSeconds\":1,\"stableSeconds\":1}";
            Http.Response created = Http.post(sources(), CREDENTIALS.admin(), settings);
            assertEquals(201, created.status(), created.text());

            Map<String, String> photoIds = new LinkedHashMap<>();
            await().atMost(PIPELINE).pollInterval(250, TimeUnit.MILLISECONDS).until(() -> {
                for (String sha : distinct) {
                    if (!photoIds.containsKey(sha)) {
                        Http.Response known = Http.get(system.url("ledger-service") + "/api/v1/photos/by-sha256/" + sha);
                        if (known.status() == 200) {
                            photoIds.put(sha, known.json().get("photoId").asText());
                        }
                    }
                }
                return photoIds.size() == distinct.size() && photoIds.values().stream()
                        .allMatch(id -> frame.events("add").stream().anyMatch(e -> e.data().contains(id)));
            });

            // a later scan sees nothing new: the source's own status says so
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode source = Http.get(system.url("ingest-service") + "/api/v1/sources/nas", "Authorization",
                        "Bearer " + CREDENTIALS.admin()).json();
                assertEquals("ok", source.get("state").asText(), source.toString());
                assertEquals(0, source.get("lastScan").get("pending").asInt(), source.toString());
                assertEquals(0, source.get("lastScan").get("hashed").asInt(), source.toString());
            });
            for (String id : photoIds.values()) {
                assertEquals(1, frame.events("add").stream().filter(e -> e.data().contains(id)).count(),
                        "photo " + id + " was added more than once");
            }
            JsonNode twice = Http.get(system.url("ledger-service") + "/api/v1/photos/by-sha256/" + sha256(a)).json();
            assertEquals(2, twice.get("origins").size(), "the album link is a second origin of the same photo: " + twice);
            assertEquals(404, Http.get(system.url("ledger-service") + "/api/v1/photos/by-sha256/" + sha256(thumb)).status(),
                    "a Synology thumbnail never becomes a photo");

            // The source deleted: its photos leave the frames, its files stay. Added again, they come back.
            Http.Response deleted = Http.delete(sources() + "/nas", CREDENTIALS.admin());
            assertEquals(204, deleted.status(), deleted.text());
            await().atMost(PIPELINE).until(() -> photoIds.values().stream()
                    .allMatch(id -> frame.events("remove").stream().anyMatch(e -> e.data().contains(id))));
            assertTrue(Files.exists(a), "the files stay in the folder");
            assertEquals(201, Http.post(sources(), CREDENTIALS.admin(), settings).status());
            await().atMost(PIPELINE).until(() -> photoIds.values().stream()
                    .allMatch(id -> frame.events("add").stream().filter(e -> e.data().contains(id)).count() == 2));
        }
    }

    private static String sources() {
        return system.url("ingest-service") + "/api/v1/sources";
    }

    private static byte[] movie() {
        byte[] bytes = new byte[4096];
        byte[] head = "\0\0\0\u0014ftypqt  \0\0\0\0qt  ".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(head, 0, bytes, 0, head.length);
        return bytes;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
