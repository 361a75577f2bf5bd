package io.imgboard.ingest.rest;

import io.imgboard.events.FileArrived;
import io.imgboard.ingest.FilesTopic;
import io.imgboard.ingest.TestImages;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code PUT /api/v1/uploads/{filename}} and {@code POST /api/v1/uploads/check}, the phone-client contract. */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
class UploadPutTest {
    private static MinioClient s3;
    private static FilesTopic events;

    @ConfigProperty(name = "imgboard.upload.token")
    String token;
    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;

    @BeforeAll
    static void connect() {
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).region("us-east-1").build();
        events = new FilesTopic();
    }

    @AfterAll
    static void disconnect() throws Exception {
        events.close();
        s3.close();
    }

    private RequestSpecification authorized() {
        return given().header("Authorization", "Bearer " + token);
    }

    @Test
    void rawBodyIsStoredOnceAndASecondPutIsADuplicate() {
        byte[] jpeg = TestImages.jpeg(7001);
        String sha = TestImages.sha256(jpeg);
        authorized().contentType("application/octet-stream").header("X-Content-SHA256", sha.toUpperCase()).body(jpeg)
                .queryParam("source", "shortcut")
                .put("/api/v1/uploads/IMG_7001.JPG").then().statusCode(201)
                .body("status", equalTo("created")).body("sha256", equalTo(sha)).body("name", equalTo("IMG_7001.JPG"))
                .body("contentType", equalTo("image/jpeg"));
        await().atMost(Duration.ofSeconds(30)).until(() -> events.of("upload:shortcut", FileArrived.class).stream()
                .anyMatch(a -> a.sha256().equals(sha)));

        // the ledger is not running in this test: a duplicate still answers 200, with no photo id yet
        authorized().contentType("image/jpeg").body(jpeg).put("/api/v1/uploads/IMG_7001.JPG").then().statusCode(200)
                .body("status", equalTo("duplicate")).body("photoId", nullValue());
    }

    @Test
    void aWrongDeclaredSha256KeepsNothing() {
        byte[] jpeg = TestImages.jpeg(7002);
        String other = TestImages.sha256(TestImages.jpeg(7003));
        authorized().contentType("image/jpeg").header("X-Content-SHA256", other).body(jpeg)
                .put("/api/v1/uploads/IMG_7002.JPG").then().statusCode(400)
                .body("error", containsString("X-Content-SHA256 does not match")).body("status", equalTo(400));
        ErrorResponseException missing = assertThrows(ErrorResponseException.class, () -> s3.statObject(StatObjectArgs
                .builder().bucket("imgboard-originals").object(io.imgboard.ingest.storage.OriginalStore
                        .keyFor(TestImages.sha256(jpeg))).build()));
        assertEquals("NoSuchKey", missing.errorResponse().code());
        authorized().contentType("image/jpeg").header("X-Content-SHA256", "abc").body(jpeg)
                .put("/api/v1/uploads/IMG_7002.JPG").then().statusCode(400).body("error", containsString("64 hex"));
    }

    /**
     * RFC 9110 §9.3.4: a server that does not apply partial PUTs refuses a PUT with Content-Range; a resumed
     * upload's second half stored as the whole file would be a corrupt photo.
     */
    @Test
    void aPutWithContentRangeIsRefusedAndNothingIsKept() {
        byte[] jpeg = TestImages.jpeg(7005);
        byte[] half = java.util.Arrays.copyOfRange(jpeg, jpeg.length / 2, jpeg.length);
        String range = "bytes " + jpeg.length / 2 + "-" + (jpeg.length - 1) + "/" + jpeg.length;
        authorized().contentType("image/jpeg").header("Content-Range", range).body(half)
                .put("/api/v1/uploads/IMG_7005.JPG").then().statusCode(400)
                .body("error", containsString("Content-Range")).body("error", containsString("nothing was stored"));
        authorized().contentType("image/jpeg").header("Content-Range", "bytes 0-" + (jpeg.length - 1) + "/" + jpeg.length)
                .body(jpeg).put("/api/v1/uploads/IMG_7005.JPG").then().statusCode(400);
        for (byte[] bytes : List.of(half, jpeg)) {
            ErrorResponseException missing = assertThrows(ErrorResponseException.class, () -> s3.statObject(StatObjectArgs
                    .builder().bucket("imgboard-originals").object(io.imgboard.ingest.storage.OriginalStore
                            .keyFor(TestImages.sha256(bytes))).build()));
            assertEquals("NoSuchKey", missing.errorResponse().code());
        }
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/uploads/rejections").then().statusCode(200)
                .body("find { it.name == 'IMG_7005.JPG' }.reason", containsString("Content-Range"))
                .body("find { it.name == 'IMG_7005.JPG' }.status", equalTo(400));
    }

    @Test
    void notAnImageOrEmptyIsAClearRefusal() {
        authorized().contentType("text/plain").body("shopping list").put("/api/v1/uploads/list.jpg").then()
                .statusCode(415).body("error", containsString("not an image")).body("status", equalTo(415));
        authorized().contentType("image/jpeg").body(new byte[0]).put("/api/v1/uploads/empty.jpg").then()
                .statusCode(400).body("error", containsString("empty"));
        given().contentType("image/jpeg").body(TestImages.jpeg(7004)).put("/api/v1/uploads/x.jpg").then().statusCode(401);
    }

    @Test
    void checkIsValidatedAndAsksTheLedger() {
        List<String> many = new ArrayList<>(Collections.nCopies(1001, TestImages.sha256(new byte[]{1})));
        authorized().contentType("application/json").body(Map.of("sha256", many)).post("/api/v1/uploads/check")
                .then().statusCode(400).body("error", containsString("at most 1000"));
        authorized().contentType("application/json").body(Map.of("sha256", List.of("nope")))
                .post("/api/v1/uploads/check").then().statusCode(400).body("error", containsString("not a SHA-256"));
        authorized().contentType("application/json").body(Map.of("sha256", List.of()))
                .post("/api/v1/uploads/check").then().statusCode(200).body("known.size()", equalTo(0));
        // no ledger runs in this test (LedgerClientTest has one): a clear 503, not a hang or a stack trace
        authorized().contentType("application/json").body(Map.of("sha256", List.of(TestImages.sha256(new byte[]{2}))))
                .post("/api/v1/uploads/check").then().statusCode(503).body("error", containsString("ledger"));
    }
}
