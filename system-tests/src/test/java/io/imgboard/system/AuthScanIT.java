package io.imgboard.system;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.infra.Credentials;
import io.imgboard.infra.LocalSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The auth scan (issue 12, point 3): the four packaged services run as processes on real Kafka,
 * PostgreSQL and S3; every operation each one publishes in its OpenAPI document (plus the WebDAV
 * verbs and hidden admin pages the document cannot show) is called without a credential, with a
 * wrong one and with the real tokens of the other roles. Every operation must answer 401 or 403,
 * except the public ones listed in {@link #PUBLIC}, each with its reason: a new route that answers
 * a stranger fails this test until someone protects it or lists it here on purpose. The two
 * services whose reads are open (ledger, preprocessor) must listen on loopback only, the real
 * tokens must open the doors they are for (so the refusals are about the credential), and no
 * token may appear in any log of the run.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(SharedSystem.class)
@Order(3) // in InOrderSystemIT: last, as it locks addresses out and reads every log of the run
class AuthScanIT {
    private static final Credentials CREDENTIALS = SharedSystem.CREDENTIALS;
    /**
     * The start of the well-formed credentials nobody issued, one per run, so the log check can look for it
     * too; each call adds a number ({@link #wrong()}), as a guesser sends a new guess each time.
     */
    private static final String WRONG = "wrong-" + UUID.randomUUID().toString().replace("-", "");
    private static final java.util.concurrent.atomic.AtomicInteger GUESSES = new java.util.concurrent.atomic.AtomicInteger();
    private static final List<String> SERVICES = List.of("display-service", "ingest-service", "ledger-service",
            "preprocessor-service");
    /** Services that answer queries without a credential: they must not be reachable from the network. */
    private static final List<String> LOOPBACK_ONLY = List.of("ledger-service", "preprocessor-service");
    private static final List<String> DAV_VERBS = List.of("PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK");
    private static final Pattern TEMPLATE = Pattern.compile("\\{([A-Za-z0-9_]+)[^}]*}");
    private static final Pattern STACK_FRAME = Pattern.compile("\\bat (java|io\\.imgboard|org\\.jboss|io\\.quarkus)\\.[\\w.$]+\\(");

    /** Whoever may call without a credential, and why. "*" is any service or method; a path ending in /** a prefix. */
    record Public(String service, String method, String path, String reason, Integer status) {
        Public(String service, String method, String path, String reason) {
            this(service, method, path, reason, null);
        }

        boolean matches(String s, String m, String template) {
            boolean serviceOk = service.equals("*") || service.equals(s);
            boolean methodOk = method.equals("*") || method.equals(m);
            boolean pathOk = path.endsWith("/**") ? template.startsWith(path.substring(0, path.length() - 2))
                    || template.equals(path.substring(0, path.length() - 3)) : template.equals(path);
            return serviceOk && methodOk && pathOk;
        }
    }

    private static final List<Public> PUBLIC = List.of(
            // Operational endpoints of every service (Quarkus' non-application root).
            new Public("*", "GET", "/q/health/**", "liveness/readiness for supervisors and orchestrators; no data"),
            new Public("*", "GET", "/q/metrics/**", "Prometheus scrape; counters only, no photos or secrets"),
            new Public("*", "GET", "/q/openapi", "the API description this scan reads; describes, changes nothing"),
            // Frames and media on the display: frames on tablets hold no credential.
            new Public("display-service", "GET", "/", "the frame page a tablet opens"),
            new Public("display-service", "GET", "/api/v1/events", "a frame's live playlist (SSE)"),
            new Public("display-service", "GET", "/api/v1/playlist", "a frame's playlist snapshot"),
            new Public("display-service", "GET", "/api/v1/frames/{name}/next",
                    "a frame's next window of its shuffle bag (frames are anonymous unless imgboard.frames.token is set)"),
            new Public("display-service", "GET", "/media/**", "renditions of photos frames show (others on an admin grant), addressed by unguessable photo ids"),
            new Public("display-service", "HEAD", "/media/**", "HEAD of the renditions frames show"),
            // img-board compatibility: its frames call these without a credential (IMG-BOARD-API.md section 2).
            new Public("display-service", "GET", "/api/images", "img-board frames: the displayable file names"),
            new Public("display-service", "HEAD", "/api/images", "img-board frames: HEAD of the list"),
            new Public("display-service", "GET", "/images/{filename}", "img-board frames: one image"),
            new Public("display-service", "HEAD", "/images/{filename}", "img-board frames: HEAD of one image"),
            new Public("display-service", "GET", "/api/events", "img-board frames: their SSE stream"),
            new Public("display-service", "HEAD", "/api/events", "img-board frames: HEAD of their SSE stream"),
            new Public("display-service", "GET", "/health", "img-board's liveness for its frames"),
            new Public("display-service", "HEAD", "/health", "img-board's liveness, HEAD"),
            // img-board's admin page (hidden from the document, added by undocumented()): a browser cannot send
            // the token when it navigates, so the page is a sign-in shell for everyone; its data routes
            // (/api/admin/*, /api/v1/admin/*) are scanned above and refuse strangers.
            new Public("display-service", "GET", "/admin", "img-board's redirect to its admin page; no data", 302),
            new Public("display-service", "HEAD", "/admin", "HEAD of img-board's redirect to its admin page", 302),
            new Public("display-service", "GET", "/admin.html",
                    "the admin page shell: static HTML that asks for the token; every route it calls refuses strangers", 200),
            new Public("display-service", "HEAD", "/admin.html", "HEAD of the admin page shell", 200),
            // img-board's catch-all: every other /api/ path answers its JSON 404 and does nothing.
            new Public("display-service", "*", "/api/{rest}", "img-board's JSON 404 for unknown /api/ paths; does nothing", 404),
            // Internal services: open reads, reachable from loopback only (asserted below).
            new Public("ledger-service", "GET", "/**", "ledger queries: internal network only, it listens on 127.0.0.1"),
            new Public("ledger-service", "HEAD", "/**", "HEAD of the ledger queries: internal network only"),
            new Public("ledger-service", "POST", "/api/v1/photos/known",
                    "a read-only query sent as POST (1,000 checksums do not fit a URL); ledger on 127.0.0.1 only"),
            new Public("preprocessor-service", "GET", "/**", "preprocessor status: internal network only, on 127.0.0.1"),
            new Public("preprocessor-service", "HEAD", "/**", "HEAD of the preprocessor status: internal network only"));

    /** One call the scan makes: an operation with its path filled in. */
    record Operation(String service, String method, String template, String path, String mediaType) {
        String key() {
            return service + " " + method + " " + path;
        }
    }

    record Seen(Operation op, String credential, int status, String verdict) {
    }

    private static Path home;
    private static LocalSystem system;
    private static final List<Seen> TABLE = Collections.synchronizedList(new ArrayList<>());
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void startEverything() {
        system = SharedSystem.system(); // after ExportIT and CompatIT, in InOrderSystemIT: every log of the run is read
        home = SharedSystem.home();
    }

    @Test
    @Order(1)
    void everyOperationRefusesStrangersExceptTheListedPublicOnes() throws Exception {
        long started = System.nanoTime();
        Map<String, Operation> operations = new LinkedHashMap<>();
        for (String service : SERVICES) {
            List<Operation> documented = documented(service);
            assertFalse(documented.isEmpty(), service + " documents no operation");
            documented.forEach(op -> operations.putIfAbsent(op.key(), op));
            undocumented(service).forEach(op -> operations.putIfAbsent(op.key(), op));
        }

        List<String> flagged = new ArrayList<>();
        Set<Public> used = new LinkedHashSet<>();
        for (Operation op : operations.values()) {
            Public open = PUBLIC.stream().filter(p -> p.matches(op.service(), op.method(), op.template())).findFirst().orElse(null);
            if (open != null) {
                used.add(open);
                Answer answer = call(op, null);
                boolean ok = open.status() == null || open.status() == answer.status();
                TABLE.add(new Seen(op, "none", answer.status(), ok ? "public: " + open.reason() : "FLAG"));
                if (!ok) {
                    flagged.add(op.method() + " " + op.path() + " on " + op.service() + " answered " + answer.status()
                            + " without a credential; listed as public only for " + open.status());
                }
                noStackTrace(op, answer, flagged);
                continue;
            }
            for (Map.Entry<String, String> attempt : wrongCredentials(op).entrySet()) {
                Answer answer = call(op, attempt.getValue());
                // 429: the address has sent too many wrong tokens (FailedAttempts in each service), so
                // this request was refused without its token being looked at.
                boolean refused = answer.status() == 401 || answer.status() == 403 || answer.status() == 429;
                TABLE.add(new Seen(op, attempt.getKey(), answer.status(), refused ? "refused" : "FLAG"));
                if (!refused) {
                    flagged.add(op.method() + " " + op.path() + " on " + op.service() + " answered " + answer.status()
                            + " with " + attempt.getKey() + (answer.body().isBlank() ? "" : ": " + abbreviate(answer.body())));
                }
                noStackTrace(op, answer, flagged);
            }
        }

        printTable(used);
        System.out.printf("[auth-scan] %d operations, %d calls in %d s%n", operations.size(), TABLE.size(),
                (System.nanoTime() - started) / 1_000_000_000L);
        assertTrue(operations.size() > 40, "the scan saw only " + operations.size() + " operations");
        if (!flagged.isEmpty()) {
            fail(flagged.size() + " answers let a stranger in (or leaked a stack trace); protect the route or list it in"
                    + " AuthScanIT.PUBLIC with its reason:\n  " + String.join("\n  ", flagged));
        }
        // Issue 12: guessing is rate-limited per address. The scan sends far more than the default 10
        // wrong tokens a minute to each service that checks one, so each must have said 429 by now.
        for (String service : List.of("display-service", "ingest-service", "ledger-service")) {
            long limited = TABLE.stream().filter(seen -> seen.op().service().equals(service) && seen.status() == 429).count();
            assertTrue(limited > 0, service + " never answered 429 to the scan's wrong tokens: no failed-attempt limit");
        }
    }

    @Test
    @Order(2)
    void theServicesWithOpenReadsListenOnLoopbackOnly() throws Exception {
        for (String service : SERVICES) {
            int port = system.servicePorts().get(service);
            List<InetAddress> listening = listeningAddresses(port);
            assertFalse(listening.isEmpty(), service + ": nothing listens on port " + port + " in /proc/net/tcp{,6}");
            boolean loopbackOnly = listening.stream().allMatch(InetAddress::isLoopbackAddress);
            if (LOOPBACK_ONLY.contains(service)) {
                assertTrue(loopbackOnly, service + " answers queries without a credential, so it must listen on"
                        + " 127.0.0.1 only; it listens on " + listening);
            } else {
                // The check can tell the two apart: frames and phones reach these over the network.
                assertFalse(loopbackOnly, service + " should be reachable from the network; it listens on " + listening);
            }
        }
        // And from the machine's own network address, when it has one: refused for the internal ones.
        InetAddress external = externalAddress();
        if (external != null) {
            for (String service : SERVICES) {
                int port = system.servicePorts().get(service);
                boolean connected = connects(external, port);
                assertEquals(!LOOPBACK_ONLY.contains(service), connected,
                        service + " on " + external.getHostAddress() + ":" + port + (connected ? " accepted" : " refused"));
            }
        }
    }

    /**
     * The refusals of the scan are about the credential: the right token opens each kind of door. It
     * runs first: after the scan's wrong tokens this machine's address is held back (429) for a
     * minute by every service's failed-attempt limit, the right token included.
     */
    @Test
    @Order(0)
    void theRightTokenOpensEachDoor() throws Exception {
        String sha = HexFormat.of().formatHex(new byte[32]);
        assertOpens("display-service", "GET", "/api/v1/admin/failures", null, bearer(CREDENTIALS.admin()));
        // The display asks the real ingest with the admin token.
        assertOpens("display-service", "GET", "/api/v1/admin/rejections", null, bearer(CREDENTIALS.admin()));
        assertOpens("ingest-service", "GET", "/api/v1/devices", null, bearer(CREDENTIALS.admin()));
        // Ingest asks the real ledger.
        assertOpens("ingest-service", "POST", "/api/v1/uploads/check", "{\"sha256\":[\"" + sha + "\"]}",
                bearer(CREDENTIALS.upload()));
        assertOpens("ingest-service", "PROPFIND", "/dav/", null, basic("phone", CREDENTIALS.upload()));
        assertOpens("ledger-service", "POST", "/api/v1/failures/retry", "{}", bearer(CREDENTIALS.service()));
    }

    @Test
    @Order(4)
    void noCredentialReachesALog() throws Exception {
        Path logs = home.resolve("logs");
        Map<String, String> secrets = new LinkedHashMap<>();
        secrets.put("admin token", CREDENTIALS.admin());
        secrets.put("upload token", CREDENTIALS.upload());
        secrets.put("service token", CREDENTIALS.service());
        secrets.put("a wrong token this test sent", WRONG);
        // Basic credentials this test sent, as they travel (a logged header would show them so).
        secrets.put("Basic header with the upload token", basic("phone", CREDENTIALS.upload()).substring("Basic ".length()));
        secrets.put("Basic header with the service token", basic("phone", CREDENTIALS.service()).substring("Basic ".length()));
        // the wrong ones end in a number: look for the part of their Base64 that the number does not change
        int whole = ("phone:" + WRONG).length() / 3 * 3;
        secrets.put("Basic header with a wrong token", Base64.getEncoder().encodeToString(("phone:" + WRONG).substring(0, whole)
                .getBytes(StandardCharsets.UTF_8)).replace("=", ""));

        List<Path> files;
        try (Stream<Path> walk = Files.walk(logs)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (String service : SERVICES) {
            Path log = logs.resolve(service + ".log");
            assertTrue(Files.exists(log) && Files.size(log) > 0, "no log for " + service + " in " + logs);
        }
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            secrets.forEach((name, value) -> {
                if (text.contains(value)) {
                    found.add(name + " in " + logs.relativize(file) + ": " + lineWith(text, value).replace(value, "<" + name + ">"));
                }
            });
        }
        System.out.println("[auth-scan] logs searched: " + files.stream().map(f -> logs.relativize(f).toString()).toList());
        assertTrue(found.isEmpty(), "credentials in the logs:\n  " + String.join("\n  ", found));
    }

    // --- the operations ---------------------------------------------------------------------------

    private static List<Operation> documented(String service) throws Exception {
        Answer answer = send(HttpRequest.newBuilder(URI.create(system.url(service) + "/q/openapi?format=json"))
                .timeout(Duration.ofSeconds(60)).header("Accept", "application/json").GET().build());
        assertEquals(200, answer.status(), service + " /q/openapi: " + abbreviate(answer.body()));
        JsonNode paths = Http.JSON.readTree(answer.body()).path("paths");
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            String template = normalise(path.getKey());
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                String method = op.getKey().toUpperCase(Locale.ROOT);
                if (!Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS").contains(method)) {
                    continue; // "parameters", "summary", … of the path item
                }
                JsonNode content = op.getValue().path("requestBody").path("content");
                String mediaType = content.fieldNames().hasNext() ? content.fieldNames().next() : null;
                operations.add(new Operation(service, method, template, fill(template), mediaType));
            }
        }
        System.out.println("[auth-scan] " + service + " documents " + operations.size() + " operations");
        return operations;
    }

    /** What the OpenAPI document cannot show: WebDAV's own verbs, and pages hidden from it. */
    private static List<Operation> undocumented(String service) {
        List<Operation> extra = new ArrayList<>();
        if (service.equals("ingest-service")) {
            for (String path : List.of("/dav/", "/dav/x.webp", "/remote.php/dav/files/upload/x.webp", "/remote.php/webdav/x.webp")) {
                for (String verb : DAV_VERBS) {
                    extra.add(new Operation(service, verb, path, path, "application/xml"));
                }
                for (String verb : List.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE")) {
                    extra.add(new Operation(service, verb, path, path, verb.equals("PUT") ? "application/octet-stream" : null));
                }
            }
            String chunks = "/remote.php/dav/uploads/upload/" + UUID.randomUUID();
            extra.add(new Operation(service, "MKCOL", chunks, chunks, null));
            extra.add(new Operation(service, "PROPFIND", chunks, chunks, "application/xml"));
            extra.add(new Operation(service, "PUT", chunks + "/00001", chunks + "/00001", "application/octet-stream"));
            extra.add(new Operation(service, "MOVE", chunks + "/.file", chunks + "/.file", null));
            extra.add(new Operation(service, "DELETE", chunks, chunks, null));
        }
        if (service.equals("display-service")) {
            for (String path : List.of("/admin", "/admin.html")) { // img-board's admin page (public, see PUBLIC), hidden from the document
                extra.add(new Operation(service, "GET", path, path, null));
                extra.add(new Operation(service, "HEAD", path, path, null));
            }
        }
        return extra;
    }

    /** A new guess: the run's {@link #WRONG} and a number (a wrong token sent again is no new guess to the services). */
    private static String wrong() {
        return WRONG + GUESSES.incrementAndGet();
    }

    /** Wrong credentials for an operation that needs one: none, a made-up one, and the real tokens of other roles. */
    private static Map<String, String> wrongCredentials(Operation op) {
        Map<String, String> attempts = new LinkedHashMap<>();
        attempts.put("no credential", null);
        attempts.put("a wrong Bearer token", bearer(wrong()));
        boolean dav = op.path().startsWith("/dav") || op.path().startsWith("/remote.php/");
        switch (op.service()) {
            case "display-service" -> {
                attempts.put("the upload token", bearer(CREDENTIALS.upload()));
                attempts.put("the service token", bearer(CREDENTIALS.service()));
            }
            case "ingest-service" -> {
                boolean operator = Stream.of("/api/v1/devices", "/api/v1/sources", "/api/v1/uploads/rejections")
                        .anyMatch(a -> op.path().equals(a) || op.path().startsWith(a + "/"));
                if (operator) {
                    attempts.put("the upload token", bearer(CREDENTIALS.upload()));
                }
                attempts.put("the service token", bearer(CREDENTIALS.service()));
                if (dav) {
                    attempts.put("a wrong Basic password", basic("phone", wrong()));
                    attempts.put("the service token as Basic password", basic("phone", CREDENTIALS.service()));
                }
            }
            case "ledger-service", "preprocessor-service" -> {
                attempts.put("the admin token", bearer(CREDENTIALS.admin()));
                attempts.put("the upload token", bearer(CREDENTIALS.upload()));
            }
            default -> throw new IllegalStateException(op.service());
        }
        return attempts;
    }

    /** {@code /images/{filename: .+}} → {@code /images/{filename}}. */
    private static String normalise(String path) {
        return TEMPLATE.matcher(path).replaceAll("{$1}");
    }

    /** Harmless values: ids nobody has, a file name nobody stored. */
    private static String fill(String template) {
        Matcher m = TEMPLATE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String value;
            if (name.contains("sha")) {
                value = HexFormat.of().formatHex(UUID.randomUUID().toString().repeat(2).getBytes(StandardCharsets.US_ASCII), 0, 32);
            } else if (name.equals("dav")) {
                value = "dav/x.webp";
            } else if (name.contains("file") || name.equals("filename")) {
                value = "x.webp";
            } else if (name.equals("user")) {
                value = "upload";
            } else if (name.equals("rest")) {
                value = "x";
            } else if (name.equals("chunk")) {
                value = "00001";
            } else if (name.equals("name")) {
                value = "scan-" + UUID.randomUUID().toString().substring(0, 8);
            } else {
                value = UUID.randomUUID().toString(); // id, photoId, twinId, and anything new
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    // --- HTTP -------------------------------------------------------------------------------------

    record Answer(int status, String body, String contentType) {
    }

    private static Answer call(Operation op, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.url(op.service()) + op.path()))
                .timeout(Duration.ofSeconds(60)).header("Accept", "*/*");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        byte[] body = body(op);
        if (body != null) {
            request.header("Content-Type", contentType(op));
        }
        if (Set.of("COPY", "MOVE").contains(op.method())) {
            request.header("Destination", system.url(op.service()) + "/dav/y.webp");
        }
        if (op.method().equals("PROPFIND")) {
            request.header("Depth", "0");
        }
        if (op.method().equals("UNLOCK")) {
            request.header("Lock-Token", "<urn:uuid:" + UUID.randomUUID() + ">");
        }
        request.method(op.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            return send(request.build());
        } catch (IOException e) {
            return new Answer(-1, "no answer: " + e, ""); // a hang or a dropped connection is no refusal either
        }
    }

    private static byte[] body(Operation op) {
        if (!Set.of("POST", "PUT", "PATCH", "PROPFIND", "PROPPATCH", "LOCK").contains(op.method())) {
            return null;
        }
        String type = contentType(op);
        if (type.startsWith("multipart/")) {
            return ("--scan\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.jpg\"\r\n"
                    + "Content-Type: image/jpeg\r\n\r\nnot a photo\r\n--scan--\r\n").getBytes(StandardCharsets.UTF_8);
        }
        if (type.contains("xml")) {
            String xml = switch (op.method()) {
                case "LOCK" -> "<?xml version=\"1.0\"?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope>"
                        + "<D:locktype><D:write/></D:locktype></D:lockinfo>";
                case "PROPPATCH" -> "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\"><D:set><D:prop>"
                        + "<D:displayname>x</D:displayname></D:prop></D:set></D:propertyupdate>";
                default -> "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>";
            };
            return xml.getBytes(StandardCharsets.UTF_8);
        }
        if (type.contains("json")) {
            return "{}".getBytes(StandardCharsets.UTF_8);
        }
        return "not a photo".getBytes(StandardCharsets.UTF_8);
    }

    private static String contentType(Operation op) {
        if (op.mediaType() == null || op.mediaType().contains("*")) {
            return Set.of("PUT").contains(op.method()) && !op.path().startsWith("/api/") ? "application/octet-stream"
                    : "application/json";
        }
        return op.mediaType().startsWith("multipart/") ? "multipart/form-data; boundary=scan" : op.mediaType();
    }

    /** Reads the answer; a stream (SSE) is closed after its headers, it would never end. */
    private static Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        String type = response.headers().firstValue("Content-Type").orElse("");
        try (InputStream in = response.body()) {
            if (type.startsWith("text/event-stream")) {
                return new Answer(response.statusCode(), "", type);
            }
            byte[] body = in.readNBytes(256 * 1024);
            return new Answer(response.statusCode(), new String(body, StandardCharsets.UTF_8), type);
        }
    }

    private static void assertOpens(String service, String method, String path, String json, String authorization)
            throws IOException, InterruptedException {
        Operation op = new Operation(service, method, path, path, json == null ? "application/xml" : "application/json");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.url(service) + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", authorization).header("Accept", "*/*");
        if (json != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else if (method.equals("PROPFIND")) {
            request.header("Depth", "0").header("Content-Type", "application/xml")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(body(op)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        Answer answer = send(request.build());
        TABLE.add(new Seen(op, "the right token", answer.status(), answer.status() / 100 == 2 ? "opened" : "NOT OPENED"));
        assertEquals(2, answer.status() / 100, method + " " + path + " on " + service + " with the right token: "
                + answer.status() + " " + abbreviate(answer.body()));
    }

    private static String bearer(String token) {
        return "Bearer " + token;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void noStackTrace(Operation op, Answer answer, List<String> flagged) {
        if (STACK_FRAME.matcher(answer.body()).find()) {
            flagged.add(op.method() + " " + op.path() + " on " + op.service() + " answered " + answer.status()
                    + " with a stack trace: " + abbreviate(answer.body()));
        }
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
    }

    private static void printTable(Set<Public> used) {
        StringBuilder out = new StringBuilder("[auth-scan] every call (service, method, path, credential → status):\n");
        List<Seen> rows;
        synchronized (TABLE) {
            rows = new ArrayList<>(TABLE);
        }
        rows.sort(Comparator.comparing((Seen s) -> s.op().service()).thenComparing(s -> s.op().template())
                .thenComparing(s -> s.op().method()));
        for (Seen row : rows) {
            out.append(String.format("  %-20s %-8s %-55s %-38s → %d %s%n", row.op().service(), row.op().method(),
                    row.op().path(), row.credential(), row.status(), row.verdict()));
        }
        PUBLIC.stream().filter(p -> !used.contains(p)).forEach(p -> out.append("  (public entry not seen in this run: ")
                .append(p.service()).append(' ').append(p.method()).append(' ').append(p.path()).append(")\n"));
        System.out.println(out);
    }

    // --- sockets ----------------------------------------------------------------------------------

    /** The local addresses of the sockets listening on {@code port}, from /proc/net/tcp and tcp6. */
    private static List<InetAddress> listeningAddresses(int port) throws IOException {
        List<InetAddress> addresses = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.exists(file)) {
                continue;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] columns = line.strip().split("\\s+");
                if (columns.length < 4 || !columns[3].equals("0A")) { // 0A: LISTEN
                    continue;
                }
                String[] local = columns[1].split(":");
                if (Integer.parseInt(local[1], 16) != port) {
                    continue;
                }
                addresses.add(procAddress(local[0]));
            }
        }
        return addresses;
    }

    /** /proc/net prints each 32-bit word of the address in host (little-endian) order. */
    private static InetAddress procAddress(String hex) throws IOException {
        byte[] raw = HexFormat.of().parseHex(hex);
        byte[] address = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                address[word + i] = raw[word + 3 - i];
            }
        }
        return InetAddress.getByAddress(address);
    }

    private static InetAddress externalAddress() throws IOException {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return address;
                }
            }
        }
        return null;
    }

    private static boolean connects(InetAddress address, int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 5000);
            return true;
        } catch (ConnectException | java.net.SocketTimeoutException | java.net.NoRouteToHostException refused) {
            return false;
        }
    }

    private static String lineWith(String text, String value) {
        int at = text.indexOf(value);
        int start = text.lastIndexOf('\n', at) + 1;
        int end = text.indexOf('\n', at);
        return abbreviate(text.substring(start, end < 0 ? text.length() : end));
    }
}
