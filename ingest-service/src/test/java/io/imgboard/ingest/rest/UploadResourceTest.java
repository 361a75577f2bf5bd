package io.imgboard.ingest.rest;

import io.imgboard.events.FileArrived;
import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.FilesTopic.Arrival;
import io.imgboard.ingest.TestImages;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The upload API against a real Kafka broker and a real S3 server (s3proxy). */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class UploadResourceTest {
    private static final String UPLOADS = "/api/v1/uploads";
    private static final Duration KAFKA_WAIT = Duration.ofSeconds(20);

    private static MinioClient s3;
    private static FilesTopic topic;

    @ConfigProperty(name = "imgboard.upload.token")
    String token;
    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;
    @Inject
    Vertx vertx;
    @TestHTTPResource("/")
    URL root;

    @BeforeAll
    static void connect() {
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).region("us-east-1").build();
        topic = new FilesTopic();
    }

    @AfterAll
    static void disconnect() throws Exception {
        topic.close();
        s3.close();
    }

    /** The rejections list is an operator API: the admin token only. */
    private RequestSpecification admin() {
        return given().header("Authorization", "Bearer " + adminToken);
    }

    private RequestSpecification authorized() {
        return given().header("Authorization", "Bearer " + token);
    }

    @Test
    void jpegIsStoredByContentAndAnnounced() throws Exception {
        byte[] jpeg = TestImages.jpeg(1);
        String sha = TestImages.sha256(jpeg);

        authorized().multiPart("file", "IMG_0001.JPG", jpeg, "image/jpeg")
                .multiPart("source", "phone-anna")
                .when().post(UPLOADS)
                .then().statusCode(201)
                .body("files", hasSize(1))
                .body("files[0].name", equalTo("IMG_0001.JPG"))
                .body("files[0].sha256", equalTo(sha))
                .body("files[0].size", equalTo(jpeg.length))
                .body("files[0].contentType", equalTo("image/jpeg"))
                .body("files[0].status", equalTo("created"))
                .body("files[0].error", nullValue());

        String key = "originals/" + sha.substring(0, 2) + "/" + sha;
        try (InputStream stored = s3.getObject(GetObjectArgs.builder().bucket("imgboard-originals").object(key).build())) {
            assertArrayEquals(jpeg, stored.readAllBytes());
        }
        assertEquals("image/jpeg", s3.statObject(StatObjectArgs.builder().bucket("imgboard-originals").object(key).build())
                .contentType());

        List<Arrival> arrivals = await().atMost(KAFKA_WAIT).until(() -> topic.arrivalsOf(sha), a -> !a.isEmpty());
        Arrival arrival = arrivals.get(0);
        FileArrived event = arrival.event();
        assertEquals("upload:phone-anna", arrival.key(), "keyed by its source");
        assertEquals("upload:phone-anna", event.sourceId());
        assertEquals(sha.substring(0, 12) + "/IMG_0001.JPG", event.path(), "no path sent: content prefix and name");
        assertEquals("IMG_0001.JPG", event.name());
        assertEquals(jpeg.length, event.size());
        assertEquals("image/jpeg", event.contentType());
        assertEquals(key, event.originalKey());
        assertNull(event.fileModifiedAt());
        assertEquals(event.key(), arrival.key());
        org.hamcrest.MatcherAssert.assertThat(arrival.json(), containsString("\"type\":\"FileArrived\""));
    }

    private record Answer(HttpClientResponse response, String body) {
    }

    /**
     * HTTP/2 (browsers and apps over TLS, Java's client over h2c) with the window the server grants: a
     * photo-sized body goes through and the stream may send 1 MiB before it waits, not HTTP/2's 64 KiB.
     */
    @Test
    void anHttp2UploadIsStoredAndGrantedAWindowOfAMebibyte() throws Exception {
        byte[] body = Arrays.copyOf(TestImages.jpeg(31), 1_500_000); // zeros after the image: still a JPEG
        String sha = TestImages.sha256(body);
        String boundary = "h2-" + UUID.randomUUID();
        Buffer multipart = Buffer.buffer()
                .appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"h2.jpg\""
                        + "\r\nContent-Type: image/jpeg\r\n\r\n")
                .appendBytes(body)
                .appendString("\r\n--" + boundary + "--\r\n");
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false)); // h2c, prior knowledge
        try {
            HttpClientRequest request = client.request(new RequestOptions().setMethod(HttpMethod.POST)
                            .setHost(root.getHost()).setPort(root.getPort()).setURI(UPLOADS)
                            .putHeader("Authorization", "Bearer " + token)
                            .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            // The body is read on the event loop as the response arrives, so none of it is missed.
            Answer answer = request.send(multipart)
                    .compose(response -> response.body().map(b -> new Answer(response, b.toString())))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);

            assertEquals(HttpVersion.HTTP_2, answer.response().version());
            assertEquals(201, answer.response().statusCode(), answer.body());
            org.hamcrest.MatcherAssert.assertThat(answer.body(), containsString("\"sha256\":\"" + sha + "\""));
            assertEquals(1_048_576L, request.connection().remoteSettings().getInitialWindowSize(),
                    "the stream window the ingest grants (quarkus.http.initial-window-size)");
        } finally {
            client.close();
        }
        String key = "originals/" + sha.substring(0, 2) + "/" + sha;
        try (InputStream stored = s3.getObject(GetObjectArgs.builder().bucket("imgboard-originals").object(key).build())) {
            assertArrayEquals(body, stored.readAllBytes());
        }
    }

    @Test
    void sameBytesTwiceAreStoredOnceButAnnouncedTwice() {
        byte[] jpeg = TestImages.jpeg(2);
        String sha = TestImages.sha256(jpeg);

        authorized().multiPart("file", "first.jpg", jpeg, "image/jpeg")
                .when().post(UPLOADS).then().statusCode(201).body("files[0].status", equalTo("created"));
        authorized().multiPart("file", "second.jpg", jpeg, "image/jpeg")
                .multiPart("path", "holiday/2026/second.jpg")
                .when().post(UPLOADS).then().statusCode(201)
                .body("files[0].status", equalTo("duplicate"))
                .body("files[0].sha256", equalTo(sha));

        List<Arrival> arrivals = await().atMost(KAFKA_WAIT).until(() -> topic.arrivalsOf(sha), a -> a.size() >= 2);
        assertEquals(2, arrivals.size());
        assertNotEquals(arrivals.get(0).event().eventId(), arrivals.get(1).event().eventId());
        // one source, one key: in the order they were sent
        assertEquals(List.of(sha.substring(0, 12) + "/first.jpg", "upload/holiday/2026/second.jpg"),
                arrivals.stream().map(a -> a.event().path()).toList(), "no path sent: content prefix and name; a path sent is the path, in the shared tokens' folder");
        assertEquals(List.of("upload:api", "upload:api"), arrivals.stream().map(Arrival::key).toList());
        assertEquals("second.jpg", arrivals.get(1).event().name());
    }

    /**
     * Two phones upload different photos, both called IMG_0001.JPG, without a path: they must not
     * share an origin, or the ledger would take the second for the first one replaced. The same
     * bytes under the same name meet at the same origin again; under another name they are another.
     */
    @Test
    void filesSentWithoutAPathGetAnOriginOfTheirOwn() {
        byte[] annas = TestImages.jpeg(21);
        byte[] bens = TestImages.jpeg(22);
        String annasSha = TestImages.sha256(annas);
        String bensSha = TestImages.sha256(bens);

        authorized().multiPart("file", "IMG_0001.JPG", annas, "image/jpeg").when().post(UPLOADS)
                .then().statusCode(201).body("files[0].status", equalTo("created"));
        authorized().multiPart("file", "IMG_0001.JPG", bens, "image/jpeg").when().post(UPLOADS)
                .then().statusCode(201).body("files[0].status", equalTo("created"));
        authorized().multiPart("file", "IMG_0001.JPG", annas, "image/jpeg").when().post(UPLOADS)
                .then().statusCode(201).body("files[0].status", equalTo("duplicate"));
        authorized().multiPart("file", "IMG_0002.JPG", annas, "image/jpeg").when().post(UPLOADS)
                .then().statusCode(201).body("files[0].status", equalTo("duplicate"));

        List<Arrival> anna = await().atMost(KAFKA_WAIT).until(() -> topic.arrivalsOf(annasSha), a -> a.size() >= 3);
        List<Arrival> ben = await().atMost(KAFKA_WAIT).until(() -> topic.arrivalsOf(bensSha), a -> !a.isEmpty());
        String annasPath = annasSha.substring(0, 12) + "/IMG_0001.JPG";
        String bensPath = bensSha.substring(0, 12) + "/IMG_0001.JPG";
        assertNotEquals(annasPath, bensPath);
        assertEquals(List.of(bensPath), ben.stream().map(a -> a.event().path()).toList(),
                "different photos with the same name: an origin each");
        assertEquals(List.of(annasPath, annasPath, annasSha.substring(0, 12) + "/IMG_0002.JPG"),
                anna.stream().map(a -> a.event().path()).toList(),
                "the same bytes and name twice: one origin; under another name: another");
        assertEquals("IMG_0001.JPG", ben.get(0).event().name(), "the name stays the client's");
    }

    @Test
    void twoFilesInOneRequestGiveTwoResults() {
        byte[] jpeg = TestImages.jpeg(3);
        byte[] png = TestImages.png(3);

        authorized().multiPart("file", "a.jpg", jpeg, "image/jpeg")
                .multiPart("file", "b.png", png, "application/octet-stream")
                .multiPart("path", "album/a.jpg")
                .multiPart("path", "album/b.png")
                .when().post(UPLOADS)
                .then().statusCode(201)
                .body("files", hasSize(2))
                .body("files[0].name", equalTo("a.jpg"))
                .body("files[0].contentType", equalTo("image/jpeg"))
                .body("files[0].sha256", equalTo(TestImages.sha256(jpeg)))
                .body("files[1].name", equalTo("b.png"))
                .body("files[1].contentType", equalTo("image/png"))
                .body("files[1].sha256", equalTo(TestImages.sha256(png)));

        List<Arrival> pngArrivals = await().atMost(KAFKA_WAIT)
                .until(() -> topic.arrivalsOf(TestImages.sha256(png)), a -> !a.isEmpty());
        assertEquals("upload/album/b.png", pngArrivals.get(0).event().path());
    }

    @Test
    void oneImageAndOneTextFileIsAPartialSuccess() {
        byte[] jpeg = TestImages.jpeg(4);
        authorized().multiPart("file", "good.jpg", jpeg, "image/jpeg")
                .multiPart("file", "notes.jpg", "shopping list".getBytes(), "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(207)
                .body("status", equalTo(207))
                .body("error", equalTo("1 of 2 files not stored, the first notes.jpg: not an image: the bytes look like text/plain"))
                .body("files[0].status", equalTo("created"))
                .body("files[1].status", equalTo("rejected"))
                .body("files[1].error", equalTo("not an image: the bytes look like text/plain"));
    }

    /** By default an upload holds at most 100 files; one more and none is stored (UploadLimitsTest: the details). */
    @Test
    void anUploadOfMoreThanAHundredFilesIsRefusedWhole() {
        byte[] jpeg = TestImages.jpeg(40_801);
        RequestSpecification upload = authorized();
        for (int i = 0; i <= 100; i++) {
            upload.multiPart("file", "copy-" + i + ".jpg", jpeg, "image/jpeg");
        }
        upload.when().post(UPLOADS).then().statusCode(400).body("status", equalTo(400))
                .body("error", startsWith("too many files in one upload: 101 sent, at most 100 per request"));
        assertEquals(0, topic.allArrivalsNowOf(TestImages.sha256(jpeg)).size(), "no file of it is announced");
    }

    @Test
    void textNamedLikeAPhotoIsRefusedWithAReason() {
        String name = "photo-" + UUID.randomUUID() + ".jpg";
        byte[] text = "this is not a photo\n".getBytes();
        authorized().multiPart("file", name, text, "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(415)
                .body("status", equalTo(415))
                .body("error", equalTo("not an image: the bytes look like text/plain"))
                .body("files[0].name", equalTo(name))
                .body("files[0].status", equalTo("rejected"))
                .body("files[0].contentType", equalTo("text/plain"))
                .body("files[0].error", equalTo("not an image: the bytes look like text/plain"));

        assertEquals(0, topic.allArrivalsNowOf(TestImages.sha256(text)).size(), "a refused file is not announced");
        admin().when().get(UPLOADS + "/rejections")
                .then().statusCode(200)
                .body("find { it.name == '" + name + "' }.reason", equalTo("not an image: the bytes look like text/plain"))
                .body("find { it.name == '" + name + "' }.status", equalTo(415))
                .body("find { it.name == '" + name + "' }.at", startsWith("20"));
    }

    @Test
    void unknownBytesAreRefusedAsUnrecognised() {
        authorized().multiPart("file", "blob.heic", new byte[] {0, 1, 2, 3, (byte) 0xFE, 0, 7, 9, 9, 9, 9, 9, 9},
                        "image/heic")
                .when().post(UPLOADS)
                .then().statusCode(415)
                .body("files[0].error", startsWith("unrecognised format"));
    }

    @Test
    void emptyFileIsRefused() {
        String name = "empty-" + UUID.randomUUID() + ".jpg";
        authorized().multiPart("file", name, new byte[0], "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(400)
                .body("files[0].status", equalTo("rejected"))
                .body("files[0].size", equalTo(0))
                .body("files[0].error", equalTo("empty file: it has no bytes"));
        admin().when().get(UPLOADS + "/rejections")
                .then().body("find { it.name == '" + name + "' }.status", equalTo(400));
    }

    @Test
    void noTokenIsRefused() {
        given().multiPart("file", "a.jpg", TestImages.jpeg(5), "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(401)
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401))
                .body("error", containsString("token"));
        assertEquals(0, topic.allArrivalsNowOf(TestImages.sha256(TestImages.jpeg(5))).size());
    }

    /** A multipart body that breaks its own format is the client's error: 400 with the reason, listed, not a 500. */
    @Test
    void aMalformedMultipartBodyIsRefusedWithItsReason() {
        byte[] cut = ("--cut\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut-short.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n\u00ff\u00d8\u00ff").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        authorized().contentType("multipart/form-data; boundary=cut").body(cut).when().post(UPLOADS)
                .then().statusCode(400).body("status", equalTo(400))
                .body("error", containsString("multipart body is malformed"));
        admin().when().get(UPLOADS + "/rejections").then().statusCode(200)
                .body("reason", org.hamcrest.Matchers.hasItem(containsString("multipart body is malformed")));
    }

    /**
     * A photo's bytes posted as the body (curl --data-binary, a script's first try): 415 saying what the route
     * takes and where raw bytes go, listed among the refused uploads; not RESTEasy's "did not match @Consumes".
     */
    @Test
    void aPhotosBytesPostedWithoutAFormAreRefusedSayingWhatTheRouteTakes() {
        byte[] jpeg = TestImages.jpeg(40701);
        authorized().contentType("image/jpeg").body(jpeg).when().post(UPLOADS)
                .then().statusCode(415).body("status", equalTo(415))
                .body("error", containsString("takes multipart/form-data"))
                .body("error", containsString("Content-Type was image/jpeg"))
                .body("error", containsString("PUT /api/v1/uploads/{name}"));
        admin().when().get(UPLOADS + "/rejections").then().statusCode(200)
                .body("reason", org.hamcrest.Matchers.hasItem(containsString("Content-Type was image/jpeg")));
        assertEquals(0, topic.allArrivalsNowOf(TestImages.sha256(jpeg)).size());
    }

    @Test
    void wrongTokenIsRefused() {
        given().header("Authorization", "Bearer " + token + "x")
                .multiPart("file", "a.jpg", TestImages.jpeg(6), "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(401).body("status", equalTo(401));
        given().header("Authorization", "Basic " + token)
                .multiPart("file", "a.jpg", TestImages.jpeg(6), "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(401);
    }

    @Test
    void rejectionsNeedTheTokenToo() {
        given().when().get(UPLOADS + "/rejections").then().statusCode(401);
        authorized().when().get(UPLOADS + "/rejections").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").when().get(UPLOADS + "/rejections").then().statusCode(401);
    }

    @Test
    void pathTricksDoNotGetPastTheToken() {
        for (String path : List.of("/api/v1/uploads/", "/api/v1/./uploads", "/api/v1/x/../uploads", "/api/v1/upload%73")) {
            given().urlEncodingEnabled(false).multiPart("file", "a.jpg", TestImages.jpeg(7), "image/jpeg")
                    .when().post(path)
                    .then().statusCode(401);
        }
        given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void invalidSourceIsRefused() {
        authorized().multiPart("file", "a.jpg", TestImages.jpeg(8), "image/jpeg")
                .multiPart("source", "../Etc")
                .when().post(UPLOADS)
                .then().statusCode(400)
                .body("status", equalTo(400))
                .body("error", startsWith("invalid source"));
    }

    @Test
    void requestWithoutFilePartIsRefused() {
        authorized().multiPart("source", "phone")
                .when().post(UPLOADS)
                .then().statusCode(400).body("error", startsWith("no file"));
    }

    @Test
    void namesAreLabelsNotPaths() {
        byte[] jpeg = TestImages.jpeg(9);
        String sha = TestImages.sha256(jpeg);
        authorized().multiPart("file", "..\\..\\etc\\passwd.jpg", jpeg, "image/jpeg")
                .multiPart("path", "/../../etc/./cron.d/x.jpg")
                .when().post(UPLOADS)
                .then().statusCode(201)
                .body("files[0].name", equalTo("passwd.jpg"));
        Arrival arrival = await().atMost(KAFKA_WAIT).until(() -> topic.arrivalsOf(sha), a -> !a.isEmpty()).get(0);
        assertEquals("upload/etc/cron.d/x.jpg", arrival.event().path());
        assertEquals("passwd.jpg", arrival.event().name());
    }

    /**
     * A long path is kept to its first 1,024 characters; one past the form field limit is refused in the upload's
     * terms and listed, not with the multipart parser's bare "413 Request Entity Too Large", which read as "the
     * photo is too large" and was listed nowhere (found by exploratory testing: a path of 2,100 characters).
     */
    @Test
    void aLongPathIsCutAndOnePastTheFieldLimitIsRefusedSayingSo() {
        byte[] jpeg = TestImages.jpeg(12);
        authorized().multiPart("file", "long.jpg", jpeg, "image/jpeg").multiPart("path", "p".repeat(5000) + ".jpg")
                .when().post(UPLOADS).then().statusCode(201);
        String said = "request too large: a form field (such as path) is over 16384 bytes; nothing was kept (a part"
                + " named \"file\" without a filename is a field too: send each image as a file part with its name,"
                + " curl -F file=@photo.jpg)";
        authorized().multiPart("file", "longer.jpg", TestImages.jpeg(13), "image/jpeg").multiPart("path", "p".repeat(20000) + ".jpg")
                .when().post(UPLOADS).then().statusCode(413).body("error", equalTo(said));
        admin().get("/api/v1/uploads/rejections").then().statusCode(200).body("reason", hasItem(said));
    }

    /**
     * curl's {@code -F file=<photo.jpg} sends the bytes with a type but no filename: the multipart parser keeps them
     * as a field, not a file. A 400 that says so (it was a 500, an internal error, and sending again failed the same).
     */
    @Test
    void aFilePartWithoutAFilenameIsRefusedSayingHowToSendIt() throws Exception {
        String said = "the part \"file\" has no filename, so it came as text, not as a file: send each image as a"
                + " file part with its name (curl -F file=@photo.jpg); nothing was kept";
        byte[] jpeg = TestImages.jpeg(14);
        for (boolean withAGoodOne : new boolean[] {false, true}) {
            String boundary = "imgboard-" + UUID.randomUUID();
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            if (withAGoodOne) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ok.jpg\"\r\n"
                        + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                body.write(TestImages.jpeg(15));
                body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"\r\n"
                    + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.write(jpeg);
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                                    + io.restassured.RestAssured.port + UPLOADS))
                            .header("Authorization", "Bearer " + token)
                            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(400, response.statusCode(), response.body());
            assertEquals(said, io.restassured.path.json.JsonPath.from(response.body()).getString("error"));
        }
        admin().get("/api/v1/uploads/rejections").then().statusCode(200).body("reason", hasItem(said));
    }

    @Test
    void declaredBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        // %test limits bodies to 2M; java.net.http sends a Content-Length, as curl and browsers do
        String boundary = "imgboard-" + UUID.randomUUID();
        byte[] body = io.imgboard.ingest.Multipart.oneFile(boundary, "big.jpg", new byte[3 * 1024 * 1024]);
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(io.restassured.RestAssured.baseURI + ":"
                                + io.restassured.RestAssured.port + UPLOADS))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
        org.hamcrest.MatcherAssert.assertThat(response.body(), startsWith("{\"error\":\"request too large: "));
        org.hamcrest.MatcherAssert.assertThat(response.body(), containsString("\"status\":413"));
    }

    @Test
    void chunkedBodyOverTheLimitIsCutOff() {
        // RestAssured streams multipart bodies chunked: Quarkus stops reading at the limit (413, no body)
        byte[] big = new byte[3 * 1024 * 1024];
        authorized().multiPart("file", "big-chunked.jpg", big, "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(413);
        admin().when().get(UPLOADS + "/rejections").then()
                .body("reason", hasItem(startsWith("request too large: the chunked body")));
    }

    @Test
    void aLargerFileBelowTheLimitGoesThrough() {
        // a real JPEG followed by noise: still starts like a JPEG, and big enough to be spooled in many chunks
        byte[] jpeg = TestImages.jpeg(11);
        byte[] bytes = new byte[1536 * 1024];
        new java.util.Random(11).nextBytes(bytes);
        System.arraycopy(jpeg, 0, bytes, 0, jpeg.length);
        authorized().multiPart("file", "large.jpg", bytes, "image/jpeg")
                .when().post(UPLOADS)
                .then().statusCode(201)
                .body("files[0].sha256", equalTo(TestImages.sha256(bytes)))
                .body("files[0].size", equalTo(bytes.length));
    }

    @Test
    void readinessChecksKafkaAndTheBucket() {
        ValidatableResponse ready = given().when().get("/q/health/ready").then().statusCode(200);
        ready.body("status", equalTo("UP"))
                .body("checks.name", hasItem("s3-originals-bucket"))
                .body("checks.name", hasItem("Kafka connection health check"));
    }

    @Test
    void rejectionsAreCounted() {
        double before = rejectedCount("not-an-image");
        authorized().multiPart("file", "x.jpg", "text".getBytes(), "image/jpeg").when().post(UPLOADS)
                .then().statusCode(415);
        assertEquals(before + 1, rejectedCount("not-an-image"));
    }

    private static double rejectedCount(String reason) {
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        String prefix = "imgboard_uploads_rejected_total{reason=\"" + reason + "\"} ";
        return metrics.lines().filter(l -> l.startsWith(prefix)).mapToDouble(l -> Double.parseDouble(l.substring(prefix.length())))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix + " in /q/metrics"));
    }

    @Test
    void openApiDescribesTheUploadEndpoint() {
        given().when().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/api/v1/uploads'.post.responses.'201'", org.hamcrest.Matchers.notNullValue());
    }
}
