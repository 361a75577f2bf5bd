package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.LocalSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Export without loops on the whole system (issue 7, point 5): photos uploaded to ingest are
 * exported by the ledger into a folder that is also a folder source; ingest writes the files, the
 * ledger records them as origins of the same photos, and the source's scans import nothing again.
 * A second run and further scans change nothing; the photo that came from the folder is never
 * exported back into it.
 */
@ExtendWith(SharedSystem.class)
@Order(1) // in InOrderSystemIT: first, as it counts the whole catalog
class ExportIT {
    private static final Credentials CREDENTIALS = SharedSystem.CREDENTIALS;
    private static final Duration PIPELINE = Duration.ofSeconds(180);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The export folder and folder source "nas" at once; JUnit deletes it after the class. */
    @TempDir
    static Path library;
    @TempDir
    static Path uploads;
    private static LocalSystem system;

    @BeforeAll
    static void startEverything() {
        system = SharedSystem.system(); // fresh: ExportIT is the first class of InOrderSystemIT
    }

    /** No source left behind for the classes that follow on this system: its folder goes with the class. */
    @AfterAll
    static void deleteTheSource() throws Exception {
        HttpResponse<String> deleted = send("ingest-service", "DELETE", "/api/v1/sources/nas", CREDENTIALS.admin(), "");
        assertTrue(deleted.statusCode() == 204 || deleted.statusCode() == 200 || deleted.statusCode() == 404, deleted.body());
    }

    @Test
    void exportIntoAFolderThatIsAlsoASourceDoesNotLoop() throws Exception {
        // one photo that came from the folder itself ...
        // (seeds of its own: the same seed is the same photo, and CompatIT follows on this system with 42-71)
        Path own = Photos.iphonePortrait(Files.createDirectories(library.resolve("camera")), "IMG_0100.JPG", 6100);
        HttpResponse<String> source = send("ingest-service", "POST", "/api/v1/sources", CREDENTIALS.admin(),
                "{\"id\":\"nas\",\"path\":\"" + library + "\",\"pollSeconds\":1,\"stableSeconds\":1}");
        assertEquals(201, source.statusCode(), source.body());
        // ... and three uploaded through the REST door
        Map<String, Path> uploaded = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            Path photo = Photos.iphonePortrait(uploads, "IMG_020" + i + ".JPG", 6200 + i);
            Http.Response answer = Http.upload(system.url("ingest-service") + "/api/v1/uploads", CREDENTIALS.upload(), photo);
            assertTrue(answer.status() == 201 || answer.status() == 200, answer.text());
            uploaded.put(sha256(photo), photo);
        }
        List<String> all = new ArrayList<>(uploaded.keySet());
        all.add(sha256(own));
        await().atMost(PIPELINE).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
            for (String sha : all) {
                Http.Response known = Http.get(system.url("ledger-service") + "/api/v1/photos/by-sha256/" + sha);
                if (known.status() != 200 || !"READY".equals(known.json().get("status").asText())) {
                    return false;
                }
            }
            return true;
        });
        long photos = stats().get("photos").asLong();
        assertEquals(4, photos);

        HttpResponse<String> settings = send("ledger-service", "PUT", "/api/v1/export", CREDENTIALS.service(),
                "{\"path\":\"" + library + "\",\"layout\":\"date\",\"mode\":\"full\",\"sourceId\":\"folder:nas\"}");
        assertEquals(200, settings.statusCode(), settings.body());
        HttpResponse<String> run = send("ledger-service", "POST", "/api/v1/export/run", CREDENTIALS.service(), "");
        assertEquals(202, run.statusCode(), run.body());
        JsonNode plan = Http.JSON.readTree(run.body());
        assertEquals(3, plan.get("export").asInt(), run.body());
        assertEquals(1, plan.get("skipped").get("came from the export folder").asInt(), run.body());

        // ingest writes the three files; the ledger counts them written
        await().atMost(PIPELINE).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> {
            JsonNode last = Http.get(system.url("ledger-service") + "/api/v1/export").json().get("lastRun");
            return last != null && last.get("written").asInt() == 3;
        });
        assertEquals(0, Http.get(system.url("ledger-service") + "/api/v1/export").json().get("lastRun").get("failed").asInt());
        Map<String, String> onDisk = filesBySha(library);
        for (Map.Entry<String, Path> photo : uploaded.entrySet()) {
            String path = onDisk.get(photo.getKey());
            assertTrue(path != null && path.matches("\\d{4}/\\d{2}/IMG_020\\d\\.JPG"),
                    "exported as YYYY/MM/<name>: " + onDisk);
            JsonNode known = Http.get(system.url("ledger-service") + "/api/v1/photos/by-sha256/" + photo.getKey()).json();
            List<String> origins = new ArrayList<>();
            known.get("origins").forEach(o -> origins.add(o.get("sourceId").asText() + ":" + o.get("path").asText()));
            assertTrue(origins.contains("folder:nas:" + path), "the exported file is an origin of the photo: " + origins);
            assertEquals(2, origins.size(), "the upload and the export, nothing else: " + origins);
        }
        assertEquals(4, onDisk.size(), "three exported files beside the folder's own photo, none of it twice: " + onDisk);

        // scans after the export: nothing new, nothing read again, no hidden temporary file left
        Instant exported = Instant.now();
        await().atMost(Duration.ofSeconds(60)).pollInterval(500, TimeUnit.MILLISECONDS).untilAsserted(() -> {
            JsonNode nas = Http.get(system.url("ingest-service") + "/api/v1/sources/nas", "Authorization",
                    "Bearer " + CREDENTIALS.admin()).json();
            assertTrue(Instant.parse(nas.get("lastScanAt").asText()).isAfter(exported.plusSeconds(3)), nas.toString());
            assertEquals(4, nas.get("lastScan").get("discovered").asInt(), nas.toString());
            assertEquals(0, nas.get("lastScan").get("hashed").asInt(), nas.toString());
            assertEquals(4, nas.get("totals").get("imported").asInt(), nas.toString());
        });
        try (Stream<Path> files = Files.walk(library)) {
            assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".imgboard-export-")).toList());
        }

        // a second run exports nothing; the catalog and the folder stay as they are
        HttpResponse<String> again = send("ledger-service", "POST", "/api/v1/export/run", CREDENTIALS.service(), "");
        assertEquals(202, again.statusCode(), again.body());
        JsonNode second = Http.JSON.readTree(again.body());
        assertEquals(0, second.get("export").asInt(), again.body());
        assertEquals(3, second.get("skipped").get("already exported").asInt(), again.body());
        JsonNode after = stats();
        assertEquals(photos, after.get("photos").asLong(), after.toString());
        assertEquals(4, after.get("ready").asLong(), after.toString());
        assertEquals(onDisk, filesBySha(library));
    }

    /**
     * The admin's Run now into a folder ingest may not write: refused with ingest's reason before
     * anything starts, rather than "started" and every photo failing out of sight.
     */
    @Test
    void aRunIntoAFolderIngestRefusesIsNotStarted(@TempDir Path elsewhere) throws Exception {
        JsonNode before = Http.get(system.url("ledger-service") + "/api/v1/export").json().get("lastRun");
        HttpResponse<String> settings = send("display-service", "PUT", "/api/v1/admin/export", CREDENTIALS.admin(),
                "{\"path\":\"" + elsewhere + "\",\"layout\":\"date\",\"mode\":\"full\"}");
        assertEquals(200, settings.statusCode(), settings.body());

        HttpResponse<String> run = send("display-service", "POST", "/api/v1/admin/export/run", CREDENTIALS.admin(), "");

        assertEquals(409, run.statusCode(), run.body());
        String error = Http.JSON.readTree(run.body()).get("error").asText();
        assertTrue(error.startsWith("not started: ingest refuses to write into " + elsewhere + ": "), error);
        assertEquals(String.valueOf(before), String.valueOf(Http.get(system.url("ledger-service") + "/api/v1/export")
                .json().get("lastRun")), "no run was started");
    }

    private static JsonNode stats() throws Exception {
        return Http.get(system.url("ledger-service") + "/api/v1/stats").json();
    }

    private static HttpResponse<String> send(String service, String method, String path, String token, String json)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(system.url(service) + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.ofString(json)).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Every regular file below the folder by SHA-256 → its path relative to the folder. */
    private static Map<String, String> filesBySha(Path dir) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String previous = files.put(sha256(file), dir.relativize(file).toString());
                assertEquals(null, previous, "the same content twice in " + dir);
            }
        }
        return files;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
