package io.imgboard.display.rest;

import io.imgboard.display.service.MediaPaths;
import io.imgboard.display.support.AdminNeighbours;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.display.support.Neighbours;
import io.imgboard.events.Rendition;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin sections' routes on the display: admin token only; paths built from constants and encoded
 * values (nothing of the client's path reaches a neighbour); the ledger asked with the service token,
 * ingest with the admin token; bodies must be JSON objects; the neighbour's status and error come back
 * as JSON errors, and a neighbour refusing the display's own credential is a 502, not a 401.
 */
@QuarkusTest
@QuarkusTestResource(value = LocalInfraResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AdminNeighbours.class, restrictToAnnotatedClass = true)
class AdminSectionsApiTest {
    private static final String ADMIN = "Bearer " + Neighbours.ADMIN_TOKEN;
    private static final String SERVICE = "Bearer test-service-token-0123456789";

    @BeforeEach
    void reset() {
        AdminNeighbours.INGEST.reset();
        AdminNeighbours.LEDGER.reset();
    }

    private static RequestSpecification admin() {
        return given().header("Authorization", ADMIN);
    }

    @Test
    void everySectionRouteWantsTheAdminTokenAndAsksNoNeighbourWithoutIt() {
        String id = UUID.randomUUID().toString();
        String[][] routes = {{"GET", "/api/v1/admin/photos"}, {"POST", "/api/v1/admin/photos/" + id + "/hide"},
                {"POST", "/api/v1/admin/photos/" + id + "/unhide"}, {"DELETE", "/api/v1/admin/photos/" + id},
                {"POST", "/api/v1/admin/photos/" + id + "/retry"}, {"POST", "/api/v1/admin/photos/retry-failed"},
                {"GET", "/api/v1/admin/sources"}, {"POST", "/api/v1/admin/sources"}, {"GET", "/api/v1/admin/sources/nas"},
                {"PUT", "/api/v1/admin/sources/nas"}, {"DELETE", "/api/v1/admin/sources/nas"},
                {"POST", "/api/v1/admin/sources/nas/scan"}, {"POST", "/api/v1/admin/sources/nas/simulate"},
                {"GET", "/api/v1/admin/devices"}, {"POST", "/api/v1/admin/devices"}, {"DELETE", "/api/v1/admin/devices/anna"},
                {"GET", "/api/v1/admin/export"}, {"PUT", "/api/v1/admin/export"},
                {"POST", "/api/v1/admin/export/simulate"}, {"POST", "/api/v1/admin/export/run"}};
        for (String[] route : routes) {
            for (String authorization : new String[]{null, "Bearer wrong", "Bearer " + Neighbours.UPLOAD_TOKEN, SERVICE}) {
                RequestSpecification request = authorization == null ? given() : given().header("Authorization", authorization);
                request.contentType(ContentType.JSON).body("{}").request(route[0], route[1]).then()
                        .statusCode(401).contentType(ContentType.JSON).body("status", equalTo(401));
            }
        }
        assertEquals(List.of(), AdminNeighbours.INGEST.fromAdmin());
        assertEquals(List.of(), AdminNeighbours.LEDGER.fromAdmin());
    }

    @Test
    void sourcesGoToIngestWithTheAdminTokenAndIngestsErrorsComeBack() {
        AdminNeighbours.INGEST.answer("POST /api/v1/sources", 201, "{\"id\":\"nas\",\"path\":\"/photos/nas\"}");
        admin().contentType(ContentType.JSON).body("{\"id\":\"nas\",\"path\":\"/photos/nas\"}")
                .post("/api/v1/admin/sources").then().statusCode(201).body("id", equalTo("nas"));
        assertEquals("POST /api/v1/sources " + ADMIN + " {\"id\":\"nas\",\"path\":\"/photos/nas\"}",
                AdminNeighbours.INGEST.last());

        AdminNeighbours.INGEST.answer("PUT /api/v1/sources/nas", 400,
                "{\"error\":\"path \\\"photos\\\" is not absolute\",\"status\":400}");
        admin().contentType(ContentType.JSON).body("{\"path\":\"photos\"}").put("/api/v1/admin/sources/nas").then()
                .statusCode(400).contentType(ContentType.JSON)
                .body("error", equalTo("path \"photos\" is not absolute")).body("status", equalTo(400));

        AdminNeighbours.INGEST.answer("POST /api/v1/sources/nas/scan", 200, "{\"source\":\"nas\",\"new\":3}");
        admin().post("/api/v1/admin/sources/nas/scan").then().statusCode(200).body("new", equalTo(3));
        admin().post("/api/v1/admin/sources/nas/simulate").then().statusCode(200);
        assertTrue(AdminNeighbours.INGEST.last().startsWith("POST /api/v1/sources/nas/simulate " + ADMIN),
                AdminNeighbours.INGEST.last());
        AdminNeighbours.INGEST.answer("DELETE /api/v1/sources/nas", 204, "");
        admin().delete("/api/v1/admin/sources/nas").then().statusCode(204);
        assertEquals(List.of(), AdminNeighbours.LEDGER.fromAdmin(), "sources are ingest's alone");
    }

    @Test
    void noClientPathOrNonObjectBodyReachesANeighbour() {
        admin().post("/api/v1/admin/sources/NAS/scan").then().statusCode(400).contentType(ContentType.JSON)
                .body("error", containsString("source id"));
        admin().post("/api/v1/admin/sources/..%2F..%2Fapi%2Fv1%2Fdevices/scan").then().statusCode(400)
                .contentType(ContentType.JSON);
        admin().delete("/api/v1/admin/devices/%2E%2E").then().statusCode(400).contentType(ContentType.JSON);
        admin().post("/api/v1/admin/photos/not-a-photo/hide").then().statusCode(400)
                .body("error", containsString("not a photo id"));
        admin().post("/api/v1/admin/photos/1-2-3-4-5/hide").then().statusCode(400);
        for (String body : new String[]{"[]", "\"nas\"", "42", "null"}) {
            admin().contentType(ContentType.JSON).body(body).post("/api/v1/admin/sources").then()
                    .statusCode(400).contentType(ContentType.JSON).body("error", containsString("JSON object"));
            admin().contentType(ContentType.JSON).body(body).post("/api/v1/admin/devices").then().statusCode(400);
            admin().contentType(ContentType.JSON).body(body).put("/api/v1/admin/export").then().statusCode(400);
        }
        admin().contentType(ContentType.JSON).body("{\"id\": ").post("/api/v1/admin/sources").then()
                .statusCode(400).body(not(containsString("at io.")));
        assertEquals(List.of(), AdminNeighbours.INGEST.fromAdmin());
        assertEquals(List.of(), AdminNeighbours.LEDGER.fromAdmin());
    }

    @Test
    void devicesPassTheOneTimeTokenThroughAndRevokeByEncodedName() {
        AdminNeighbours.INGEST.answer("POST /api/v1/devices", 201, "{\"name\":\"anna-iphone\",\"token\":\"dev-token-1\"}");
        admin().contentType(ContentType.JSON).body("{\"name\":\"anna-iphone\"}").post("/api/v1/admin/devices").then()
                .statusCode(201).body("token", equalTo("dev-token-1"));
        AdminNeighbours.INGEST.answer("POST /api/v1/devices", 409, "{\"error\":\"a device named anna-iphone exists already\",\"status\":409}");
        admin().contentType(ContentType.JSON).body("{\"name\":\"anna-iphone\"}").post("/api/v1/admin/devices").then()
                .statusCode(409).body("error", containsString("exists already"));
        AdminNeighbours.INGEST.answer("DELETE /api/v1/devices/anna.old_phone", 204, "");
        admin().delete("/api/v1/admin/devices/anna.old_phone").then().statusCode(204);
        assertTrue(AdminNeighbours.INGEST.last().startsWith("DELETE /api/v1/devices/anna.old_phone " + ADMIN));
    }

    @Test
    void photosComeFromTheLedgersSearchWithThumbnailsThisDisplayServes() {
        UUID id = UUID.randomUUID();
        String key = "renditions/" + id + "/thumb.webp";
        String query = "/api/v1/photo-search?state=hidden&source=folder%3Anas&from=2020-01-01&to=2020-12-31&limit=10"
                + "&cursor=abc%2B%2F";
        AdminNeighbours.LEDGER.answer("GET " + query, 200, "{\"photos\":[{\"photoId\":\"" + id + "\",\"name\":\"IMG_1.JPG\","
                + "\"state\":\"HIDDEN\",\"hidden\":true,\"capturedAt\":\"2020-05-01T10:00:00Z\",\"origins\":["
                + "{\"sourceId\":\"folder:nas\",\"deviceId\":null},{\"sourceId\":\"dav:anna\",\"deviceId\":\"anna\"}],"
                + "\"renditions\":[{\"name\":\"display\",\"key\":\"renditions/" + id + "/display.webp\",\"width\":1920,"
                + "\"height\":1080,\"bytes\":900},{\"name\":\"thumb\",\"key\":\"" + key + "\",\"width\":480,\"height\":270,"
                + "\"bytes\":100}]}],\"next\":\"c2\"}");
        admin().queryParam("state", "hidden").queryParam("source", "folder:nas").queryParam("from", "2020-01-01")
                .queryParam("to", "2020-12-31").queryParam("limit", "10").queryParam("cursor", "abc+/")
                .get("/api/v1/admin/photos").then().statusCode(200)
                .body("next", equalTo("c2"))
                .body("photos[0].photoId", equalTo(id.toString()))
                .body("photos[0].state", equalTo("HIDDEN"))
                .body("photos[0].sources", equalTo(List.of("folder:nas", "dav:anna")))
                .body("photos[0].devices", equalTo(List.of("anna")))
                .body("photos[0].thumb", equalTo(MediaPaths.url(id, new Rendition("thumb", key, 480, 270, 100))));
        assertEquals("GET " + query + " " + SERVICE + " ", AdminNeighbours.LEDGER.last());

        AdminNeighbours.LEDGER.answer("GET /api/v1/photo-search?from=yesterday", 400,
                "{\"error\":\"from must be a date such as 2026-07-01, not yesterday\",\"status\":400}");
        admin().queryParam("from", "yesterday").get("/api/v1/admin/photos").then().statusCode(400)
                .body("error", containsString("2026-07-01"));
    }

    @Test
    void photoCommandsAndFailureRetriesGoToTheLedgerWithTheServiceToken() {
        String id = UUID.randomUUID().toString();
        AdminNeighbours.LEDGER.answer("POST /api/v1/photos/" + id + "/hide", 200, "{\"photoId\":\"" + id + "\",\"hidden\":true}");
        admin().post("/api/v1/admin/photos/" + id.toUpperCase() + "/hide").then().statusCode(200).body("hidden", equalTo(true));
        admin().post("/api/v1/admin/photos/" + id + "/unhide").then().statusCode(200);
        admin().delete("/api/v1/admin/photos/" + id).then().statusCode(200);
        AdminNeighbours.LEDGER.answer("POST /api/v1/photos/" + id + "/retry", 409,
                "{\"error\":\"photo " + id + " has not failed\",\"status\":409}");
        admin().post("/api/v1/admin/photos/" + id + "/retry").then().statusCode(409).body("error", containsString("not failed"));
        AdminNeighbours.LEDGER.answer("POST /api/v1/failures/retry", 200, "{\"retried\":4}");
        admin().post("/api/v1/admin/photos/retry-failed").then().statusCode(200).body("retried", equalTo(4));
        assertEquals(List.of("POST /api/v1/photos/" + id + "/hide " + SERVICE + " ",
                "POST /api/v1/photos/" + id + "/unhide " + SERVICE + " ",
                "DELETE /api/v1/photos/" + id + " " + SERVICE + " ",
                "POST /api/v1/photos/" + id + "/retry " + SERVICE + " ",
                "POST /api/v1/failures/retry " + SERVICE + " "), AdminNeighbours.LEDGER.fromAdmin());
    }

    @Test
    void exportGoesToTheLedgerAndANeighbourRefusingTheDisplayIsA502() {
        AdminNeighbours.LEDGER.answer("GET /api/v1/export", 200, "{\"path\":null,\"layout\":\"date\",\"lastRun\":null}");
        admin().get("/api/v1/admin/export").then().statusCode(200).body("layout", equalTo("date")).body("lastRun", nullValue());
        admin().contentType(ContentType.JSON).body("{\"path\":\"/photos/out\",\"layout\":\"flat\"}")
                .put("/api/v1/admin/export").then().statusCode(200);
        assertEquals("PUT /api/v1/export " + SERVICE + " {\"path\":\"/photos/out\",\"layout\":\"flat\"}",
                AdminNeighbours.LEDGER.last());
        AdminNeighbours.LEDGER.answer("POST /api/v1/export/run", 409, "{\"error\":\"no export folder is set\",\"status\":409}");
        admin().post("/api/v1/admin/export/run").then().statusCode(409).body("error", equalTo("no export folder is set"));

        AdminNeighbours.LEDGER.answer("POST /api/v1/export/simulate", 401, "{\"error\":\"service token required\",\"status\":401}");
        admin().post("/api/v1/admin/export/simulate").then().statusCode(502).contentType(ContentType.JSON)
                .body("error", containsString("IMGBOARD_SERVICE_TOKEN"));
        AdminNeighbours.INGEST.answer("GET /api/v1/devices", 500, "{\"error\":\"database unavailable\",\"status\":500}");
        admin().get("/api/v1/admin/devices").then().statusCode(502).body("error", equalTo("ingest failed: database unavailable"));
    }
}
