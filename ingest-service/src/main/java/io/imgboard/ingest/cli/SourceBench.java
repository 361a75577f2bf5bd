package io.imgboard.ingest.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.io.FileUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ./imgboard bench sources}: against the system {@code ./imgboard up} runs, measures
 * <ol>
 *   <li>folder drop → frame SSE {@code add}: images dropped one at a time (written aside, then renamed
 *       in, as a sync tool does) into a folder source with the default poll and stability window;
 *       the time from the rename to the display's {@code add} event; p50 and p95 (target p50 ≤ 2 s),
 *       split at the moment the ledger knows the photo (its {@code by-sha256} answers 200): ingest's part
 *       (finding the file, its stability window, storing and announcing it, the ledger's consumer) and
 *       the rest (renditions, catalog, display);</li>
 *   <li>the unchanged rescan of a source of 100,000 files (target ≤ 5 s): the files are written, their
 *       snapshot rows put straight into ingest's database as a finished import would have left them,
 *       and {@code POST /api/v1/sources/{id}/scan} is timed by the service itself (the scan's
 *       {@code millis}); it must read no file ({@code hashed} 0).</li>
 * </ol>
 * Speed is measured here, never asserted in tests. Everything the bench made is deleted at the end.
 *
 * <pre>
 * SourceBench [--drops N] [--files N] [--stable-seconds S]
 * </pre>
 * {@code --stable-seconds} gives the drop source that window instead of the default (to weigh it).
 * URLs from IMGBOARD_INGEST_URL / IMGBOARD_DISPLAY_URL / IMGBOARD_LEDGER_URL, else 127.0.0.1 on the ports
 * {@code up} uses (IMGBOARD_INGEST_PORT / _DISPLAY_PORT / _LEDGER_PORT: 8081/8080/8082);
 * the admin token from IMGBOARD_ADMIN_TOKEN or {@code $IMGBOARD_HOME/secrets/admin-token}; ingest's
 * database from QUARKUS_DATASOURCE_* or 127.0.0.1:$IMGBOARD_POSTGRES_PORT (15432), database {@code ingest},
 * user {@code imgboard}, the password in {@code $IMGBOARD_HOME/secrets/postgres-password}.
 */
public final class SourceBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String ingest = env("IMGBOARD_INGEST_URL", "http://127.0.0.1:" + env("IMGBOARD_INGEST_PORT", "8081"));
    private final String display = env("IMGBOARD_DISPLAY_URL", "http://127.0.0.1:" + env("IMGBOARD_DISPLAY_PORT", "8080"));
    private final String ledger = env("IMGBOARD_LEDGER_URL", "http://127.0.0.1:" + env("IMGBOARD_LEDGER_PORT", "8082"));
    private final Path home = Path.of(env("IMGBOARD_HOME", ".imgboard"));
    private final String admin;

    private SourceBench() throws IOException {
        String token = System.getenv("IMGBOARD_ADMIN_TOKEN");
        this.admin = token != null ? token : Files.readString(home.resolve("secrets/admin-token")).strip();
    }

    public static void main(String[] args) throws Exception {
        int drops = 30;
        int files = 100_000;
        Integer stable = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--drops" -> drops = Integer.parseInt(args[++i]);
                case "--files" -> files = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--stable-seconds" -> stable = Integer.valueOf(args[++i]);
                default -> {
                    System.err.println("usage: ./imgboard bench sources [--drops N] [--files N] [--stable-seconds S]");
                    System.exit(2);
                }
            }
        }
        SourceBench bench = new SourceBench();
        Path work = Files.createDirectories(bench.home.resolve("bench")).resolve("sources-" + System.currentTimeMillis());
        try {
            if (drops > 0) {
                bench.dropLatency(Files.createDirectories(work.resolve("drop")), drops, stable);
            }
            if (files > 0) {
                bench.unchangedRescan(work, files);
            }
        } finally {
            FileUtils.deleteQuietly(work.toFile());
        }
    }

    private void dropLatency(Path folder, int drops, Integer stable) throws Exception {
        String id = "bench-drop-" + Long.toString(System.nanoTime(), 36);
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("id", id, "path", folder.toString()));
        if (stable != null) {
            settings.put("stableSeconds", stable);
        }
        JsonNode created = JSON.readTree(request("POST", ingest + "/api/v1/sources", settings, 201));
        String window = "pollSeconds " + created.get("pollSeconds").asInt() + ", stableSeconds "
                + created.get("stableSeconds").asInt() + (stable == null ? " (the defaults)" : "");
        Map<String, Long> addedAt = new ConcurrentHashMap<>();
        Thread reader = sse(addedAt);
        List<Double> seconds = new ArrayList<>();
        List<Double> toLedger = new ArrayList<>();
        List<Double> fromLedger = new ArrayList<>();
        List<Double> toScan = new ArrayList<>();
        List<Double> scanMillis = new ArrayList<>();
        try {
            // distinct images on every run: an image the ledger has already is a duplicate, never a new add
            Random random = new Random(System.nanoTime());
            for (int i = 0; i < drops; i++) {
                byte[] jpeg = jpeg(random);
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jpeg));
                Path aside = folder.resolve(".incoming-" + i);
                Files.write(aside, jpeg);
                long t0 = System.nanoTime();
                long dropped = System.currentTimeMillis();
                Files.move(aside, folder.resolve(String.format("IMG_%04d.JPG", i)), StandardCopyOption.ATOMIC_MOVE);
                String photoId = null;
                long known = 0;
                long deadline = t0 + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < deadline) {
                    if (photoId == null) {
                        HttpResponse<String> answer = get(ledger + "/api/v1/photos/by-sha256/" + sha);
                        if (answer.statusCode() == 200) {
                            known = System.nanoTime();
                            scanOf(id, dropped, toScan, scanMillis);
                            JsonNode photo = JSON.readTree(answer.body());
                            photoId = (photo.hasNonNull("photoId") ? photo.get("photoId") : photo.get("id")).asText();
                        }
                    }
                    if (photoId != null && addedAt.containsKey(photoId)) {
                        break;
                    }
                    Thread.sleep(20); // a benchmark's polling loop, not a test
                }
                if (photoId == null || !addedAt.containsKey(photoId)) {
                    throw new IllegalStateException("image " + i + " (" + sha + ") never reached the frame stream");
                }
                seconds.add((addedAt.get(photoId) - t0) / 1e9);
                toLedger.add((known - t0) / 1e9);
                fromLedger.add((addedAt.get(photoId) - known) / 1e9);
            }
        } finally {
            reader.interrupt();
            request("DELETE", ingest + "/api/v1/sources/" + id, null, 204);
        }
        Collections.sort(seconds);
        Collections.sort(toLedger);
        Collections.sort(fromLedger);
        double p50 = percentile(seconds, 50);
        System.out.printf("folder drop → SSE add (%d images, %s): p50 %.2f s, p95 %.2f s, max %.2f s"
                        + " (target p50 ≤ 2 s: %.2f× the target)%n",
                drops, window, p50, percentile(seconds, 95), seconds.get(seconds.size() - 1), p50 / 2.0);
        System.out.printf("  drop → ledger has the photo (ingest: found, stable, stored, announced; ledger consumed): p50 %.2f s, p95 %.2f s%n",
                percentile(toLedger, 50), percentile(toLedger, 95));
        Collections.sort(toScan);
        Collections.sort(scanMillis);
        if (!toScan.isEmpty()) {
            System.out.printf("    of which drop → start of the scan that took it (found, stability window): p50 %.2f s;"
                            + " that scan (walk, hash, store, Kafka ack): p50 %.0f ms (%d of %d drops seen in the source's lastScan)%n",
                    percentile(toScan, 50), percentile(scanMillis, 50), toScan.size(), drops);
        }
        System.out.printf("  ledger has it → SSE add (renditions, catalog, display): p50 %.2f s, p95 %.2f s%n",
                percentile(fromLedger, 50), percentile(fromLedger, 95));
    }

    /** The service's own timestamps of the scan that took the file just dropped, when no later scan has replaced them. */
    private void scanOf(String id, long dropped, List<Double> toScan, List<Double> scanMillis) throws Exception {
        JsonNode source = JSON.readTree(request("GET", ingest + "/api/v1/sources/" + id, null, 200));
        JsonNode last = source.get("lastScan");
        if (last != null && last.path("new").asInt() == 1 && source.hasNonNull("lastScanAt")) {
            toScan.add((Instant.parse(source.get("lastScanAt").asText()).toEpochMilli() - dropped) / 1e3);
            scanMillis.add(source.get("lastScanMillis").asDouble());
        }
    }

    private void unchangedRescan(Path work, int files) throws Exception {
        Path folder = Files.createDirectories(work.resolve("rescan"));
        Path empty = Files.createDirectories(work.resolve("empty"));
        String id = "bench-rescan-" + Long.toString(System.nanoTime(), 36);
        long t0 = System.nanoTime();
        byte[] bytes = new byte[256];
        new Random(7).nextBytes(bytes);
        for (int i = 0; i < files; i++) {
            Path dir = folder.resolve(String.format("%04d/%02d", i / 1000, (i / 100) % 10));
            if (i % 100 == 0) {
                Files.createDirectories(dir);
            }
            Files.write(dir.resolve(String.format("IMG_%06d.JPG", i)), bytes);
        }
        System.out.printf("wrote %,d files in %.1f s%n", files, (System.nanoTime() - t0) / 1e9);
        // the source first points at an empty folder, so its first scan takes nothing
        request("POST", ingest + "/api/v1/sources", Map.of("id", id, "path", empty.toString(), "pollSeconds", 86_400), 201);
        try {
            // wait for the scheduler's first scan of the empty folder, or it would find the rows' files gone
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            JsonNode source = JSON.readTree(request("GET", ingest + "/api/v1/sources/" + id, null, 200));
            while (source.get("lastScanAt").isNull() || source.get("scanning").asBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the source was never scanned: " + source);
                }
                Thread.sleep(100);
                source = JSON.readTree(request("GET", ingest + "/api/v1/sources/" + id, null, 200));
            }
            fillSnapshot(id, folder);
            request("PUT", ingest + "/api/v1/sources/" + id, Map.of("path", folder.toString(), "pollSeconds", 86_400), 200);
            List<Double> millis = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                JsonNode scan = JSON.readTree(request("POST", ingest + "/api/v1/sources/" + id + "/scan", null, 200));
                if (scan.get("discovered").asInt() != files || scan.get("hashed").asInt() != 0) {
                    throw new IllegalStateException("not an unchanged rescan: " + scan);
                }
                millis.add(scan.get("millis").asDouble());
            }
            Collections.sort(millis);
            System.out.printf("unchanged rescan of %,d files (target ≤ 5 s): median %.2f s, runs %s ms, 0 files read%n",
                    files, millis.get(1) / 1000, millis);
        } finally {
            request("DELETE", ingest + "/api/v1/sources/" + id, null, 204);
        }
    }

    /** The rows a finished import leaves: every file imported with its size, mtime and ctime. */
    private void fillSnapshot(String id, Path folder) throws Exception {
        String url = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        String user = System.getenv().getOrDefault("QUARKUS_DATASOURCE_USERNAME", "imgboard");
        String password = System.getenv("QUARKUS_DATASOURCE_PASSWORD");
        if (url == null) {
            url = "jdbc:postgresql://127.0.0.1:" + env("IMGBOARD_POSTGRES_PORT", "15432") + "/ingest";
            password = Files.readString(home.resolve("secrets/postgres-password")).strip();
        }
        String sql = "insert into source_file (source_id, path, size, mtime_millis, ctime_millis, stable_since, state, sha256) "
                + "values (?, ?, ?, ?, ?, ?, 'imported', ?)";
        Timestamp now = Timestamp.from(Instant.now());
        try (Connection db = DriverManager.getConnection(url, user, password);
             PreparedStatement ps = db.prepareStatement(sql);
             var paths = Files.walk(folder)) {
            db.setAutoCommit(false);
            int n = 0;
            for (Path file : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                ps.setString(1, id);
                ps.setString(2, folder.relativize(file).toString());
                ps.setLong(3, attrs.size());
                ps.setLong(4, attrs.lastModifiedTime().toMillis());
                ps.setLong(5, ((FileTime) Files.getAttribute(file, "unix:ctime")).toMillis());
                ps.setTimestamp(6, now);
                ps.setString(7, "0".repeat(64));
                ps.addBatch();
                if (++n % 1000 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
            db.commit();
        }
    }

    /** Reads the display's frame stream, noting when each photo's {@code add} arrived. */
    private Thread sse(Map<String, Long> addedAt) {
        Thread reader = new Thread(() -> {
            try {
                HttpResponse<java.io.InputStream> stream = HTTP.send(HttpRequest.newBuilder(URI.create(display + "/api/v1/events"))
                        .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                    String event = null;
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        long at = System.nanoTime();
                        if (line.startsWith("event:")) {
                            event = line.substring(6).strip();
                        } else if (line.startsWith("data:") && "add".equals(event)) {
                            JsonNode data = JSON.readTree(line.substring(5).strip());
                            if (data.hasNonNull("photoId")) {
                                addedAt.putIfAbsent(data.get("photoId").asText(), at);
                            }
                        } else if (line.isEmpty()) {
                            event = null;
                        }
                    }
                }
            } catch (IOException e) {
                System.err.println("frame stream ended: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sse");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private String request(String method, String url, Object body, int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] jpeg(Random random) throws IOException {
        BufferedImage image = new BufferedImage(1024, 768, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < image.getHeight(); y += 8) {
            for (int x = 0; x < image.getWidth(); x += 8) {
                int rgb = random.nextInt(0xFFFFFF);
                for (int dy = 0; dy < 8; dy++) {
                    for (int dx = 0; dx < 8; dx++) {
                        image.setRGB(x + dx, y + dy, rgb);
                    }
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
