package io.imgboard.ingest.rest;

import io.imgboard.ingest.SharedLimitsProfile;
import io.imgboard.ingest.TestImages;
import io.imgboard.infra.testing.LocalInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full spool disk (issue 12): no tmpfs can be mounted here without root, so the service's own
 * free-space floor stands in for it. With {@code imgboard.upload.min-free-space} above any disk's
 * size, every door that takes a body answers 507 with a reason before a byte is spooled, nothing is
 * left in the spool folder, and the service keeps answering.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, initArgs = @ResourceArg(name = "database", value = "ingest"))
@TestProfile(SharedLimitsProfile.class)
class HostileSpoolTest {
    @ConfigProperty(name = "imgboard.upload.token")
    String token;
    @ConfigProperty(name = "imgboard.admin.token")
    String adminToken;
    @ConfigProperty(name = "quarkus.http.body.uploads-directory")
    String uploadsDirectory;

    @Test
    void everyDoorWithABodyAnswers507AndSpoolsNothing() throws IOException {
        Set<Path> before = spooled();
        byte[] jpeg = TestImages.jpeg(94_001);
        String basic = "Basic " + Base64.getEncoder().encodeToString(("phone:" + token).getBytes(StandardCharsets.UTF_8));
        List<Response> answers = List.of(
                given().header("Authorization", "Bearer " + token).multiPart("file", "full.jpg", jpeg, "image/jpeg")
                        .post("/api/v1/uploads"),
                given().header("Authorization", "Bearer " + token).contentType("image/jpeg").body(jpeg)
                        .put("/api/v1/uploads/full.jpg"),
                given().header("Authorization", basic).contentType("image/jpeg").body(jpeg).put("/dav/full.jpg"));
        for (Response r : answers) {
            r.then().statusCode(507)
                    .contentType("application/json")
                    .body("status", equalTo(507))
                    .body("error", containsString("spool disk is full"));
        }
        assertEquals(before, spooled(), "a refused upload left files in the spool folder");
        // the service itself is fine: reads without a body still work
        given().header("Authorization", "Bearer " + adminToken).get("/api/v1/devices").then().statusCode(200);
        given().header("Authorization", basic).header("Depth", "1").request("PROPFIND", "/dav/").then().statusCode(207);
        given().get("/q/metrics").then().statusCode(200)
                .body(org.hamcrest.Matchers.matchesPattern("(?s).*imgboard_uploads_rejected_total\\{[^}]*reason=\"spool-full\"[^}]*} [3-9].*"));
    }

    private Set<Path> spooled() throws IOException {
        return SpoolFolder.files(uploadsDirectory);
    }
}
