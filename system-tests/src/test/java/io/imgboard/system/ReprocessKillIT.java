package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.Endpoints.Ports3;
import io.imgboard.infra.Layout;
import io.imgboard.infra.LocalSystem;
import io.imgboard.infra.StateDir;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reprocess of 20 photos on the real four services, under the same supervisor as
 * {@code ./imgboard up}: the real preprocessor is killed with {@code kill -9} while it works on the
 * job, then the ledger is; both come back, the job ends with every photo done and none failed, and
 * the progress the ledger reports never goes backwards from the first poll to the end.
 */
class ReprocessKillIT {
    private static final Credentials CREDENTIALS = Credentials.random();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final int PHOTOS = 20;

    private static Path home;
    private static LocalSystem system;

    @BeforeAll
    static void startEverything() throws Exception {
        home = Files.createTempDirectory("imgboard-system-");
        StateDir state = new StateDir(home);
        system = LocalSystem.startThrowaway(Layout.find(), state, Ports3.free(), LocalSystem.freeServicePorts(), CREDENTIALS);
        Thread supervisor = new Thread(system.supervisor(state), "supervisor");
        supervisor.setDaemon(true);
        supervisor.start(); // ends when the system closes
    }

    @AfterAll
    static void stopEverything() {
        if (system != null) {
            system.close();
        }
    }

    @Test
    void aReprocessSurvivesKill9OfThePreprocessorAndOfTheLedgerMidRun(@TempDir Path dir) throws Exception {
        List<String> shas = new ArrayList<>();
        for (int i = 0; i < PHOTOS; i++) {
            Path photo = dir.resolve("IMG_" + (3000 + i) + ".JPG");
            Files.write(photo, Photos.jpeg(distinct(i), 0.9f));
            shas.add(sha256(photo));
            Http.Response answer = Http.upload(system.url("ingest-service") + "/api/v1/uploads", CREDENTIALS.upload(), photo);
            assertEquals(201, answer.status(), answer.text());
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> allReady(shas));

        HttpResponse<String> started = ledger("POST", "/api/v1/jobs/reprocess", "{\"scope\":\"all\"}");
        assertEquals(202, started.statusCode(), started.body());
        JsonNode job = Http.JSON.readTree(started.body());
        int total = job.get("total").asInt();
        assertTrue(total >= PHOTOS, job.toString());

        List<Integer> progress = new CopyOnWriteArrayList<>();
        progress.add(job.get("done").asInt());
        long firstPreprocessor = system.process("preprocessor-service").pid();
        int killedPreprocessorAt = killWhenDoneReaches(progress, 1, "preprocessor-service");
        // the ledger dies only once the restarted preprocessor has answered part of the rest of the job
        await().atMost(Duration.ofMinutes(3)).pollInterval(250, TimeUnit.MILLISECONDS)
                .until(() -> system.process("preprocessor-service").pid() != firstPreprocessor);
        int resumedAt = await().atMost(Duration.ofMinutes(3)).pollInterval(250, TimeUnit.MILLISECONDS)
                .until(() -> poll(progress), node -> node != null).get("done").asInt();
        int killedLedgerAt = killWhenDoneReaches(progress, resumedAt + 1, "ledger-service");
        assertTrue(killedPreprocessorAt < total && killedLedgerAt < total,
                "both kills land mid-run: preprocessor at " + killedPreprocessorAt + ", ledger at " + killedLedgerAt
                        + " of " + total);

        JsonNode end = await().atMost(Duration.ofMinutes(8)).pollInterval(250, TimeUnit.MILLISECONDS)
                .until(() -> poll(progress), node -> node != null && !"running".equals(node.get("state").asText()));
        assertEquals("finished", end.get("state").asText(), end.toString());
        assertEquals(total, end.get("done").asInt(), end.toString());
        assertEquals(0, end.get("failed").asInt(), end.toString());
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i) >= progress.get(i - 1), "progress went backwards: " + progress);
        }
        assertTrue(allReady(shas));
    }

    /** Polls until the job's done count reaches {@code done}, then kills the instance; returns the count seen. */
    private static int killWhenDoneReaches(List<Integer> progress, int done, String instance) {
        JsonNode seen = await().atMost(Duration.ofMinutes(3)).pollInterval(100, TimeUnit.MILLISECONDS)
                .until(() -> poll(progress), node -> node != null && node.get("done").asInt() >= done);
        long pid = system.process(instance).pid();
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "cannot kill " + instance);
        return seen.get("done").asInt();
    }

    /** The current job, recorded in {@code progress}; null while the ledger is down. */
    private static JsonNode poll(List<Integer> progress) {
        try {
            HttpResponse<String> answer = ledger("GET", "/api/v1/jobs/current", null);
            if (answer.statusCode() != 200) {
                return null;
            }
            JsonNode job = Http.JSON.readTree(answer.body());
            progress.add(job.get("done").asInt());
            return job;
        } catch (Exception down) {
            return null;
        }
    }

    private static boolean allReady(List<String> shas) throws Exception {
        for (String sha : shas) {
            Http.Response known = Http.get(system.url("ledger-service") + "/api/v1/photos/by-sha256/" + sha);
            if (known.status() != 200 || !"READY".equals(known.json().get("status").asText())) {
                return false;
            }
        }
        return true;
    }

    private static HttpResponse<String> ledger(String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.url("ledger-service") + path))
                .header("Authorization", "Bearer " + CREDENTIALS.service()).timeout(Duration.ofSeconds(10));
        if (json == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A 1600×1200 picture of its own: enough work per photo that a kill lands while the job runs. */
    private static BufferedImage distinct(int seed) {
        BufferedImage image = new BufferedImage(1600, 1200, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        Graphics2D g = image.createGraphics();
        for (int i = 0; i < 60; i++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillOval(random.nextInt(1600), random.nextInt(1200), 40 + random.nextInt(400), 40 + random.nextInt(400));
        }
        g.dispose();
        return image;
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
