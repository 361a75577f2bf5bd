package io.imgboard.display.rest;

import io.imgboard.display.support.Neighbours;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile request corpus of issue 12 against the display: JSON of the wrong shape to its
 * settings and img-board's config route, and hostile names in its media and image paths. Each must
 * be a 4xx with a JSON error and no stack trace, and a refused change must leave the frame settings
 * exactly as they were (nothing half-saved).
 */
@QuarkusTest
class HostileRequestsTest {
    private String before;

    @BeforeEach
    void rememberTheSettings() {
        before = given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/admin/settings")
                .then().statusCode(200).extract().path("frames").toString();
    }

    @AfterEach
    void theSettingsAreUntouched() {
        String after = given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/admin/settings")
                .then().statusCode(200).extract().path("frames").toString();
        assertEquals(before, after, "a refused request changed the frame settings");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "PUT /api/v1/admin/settings|[]",
            "PUT /api/v1/admin/settings|\"frames\"",
            "PUT /api/v1/admin/settings|{\"frames\": {\"intervalMs\": \"fast\"}}",
            "PUT /api/v1/admin/settings|{\"frames\": {\"intervalMs\": -5}}",
            "PUT /api/v1/admin/settings|{\"frames\": {\"intervalMs\": 1e400}}",
            "PUT /api/v1/admin/settings|{\"frames\": {\"transition\": {\"a\": 1}}}",
            "PUT /api/v1/admin/settings|{\"frames\": {\"order\": \"<script>alert(1)</script>\"}}",
            "PUT /api/v1/admin/settings|{\"frames\": {\"showDate\": \"yes please\"}}",
            "PUT /api/v1/admin/settings|{\"frames\": 5}",
            "PUT /api/v1/admin/settings|{\"renditions\": \"big\"}",
            "PUT /api/v1/admin/settings|{\"renditions\": [{\"name\": \"../../x\", \"width\": -1}]}",
            "POST /api/admin/config|[]",
            "POST /api/admin/config|{\"slideshow\": \"fast\"}",
            "POST /api/admin/config|{\"slideshow\": {\"interval\": {\"a\": 1}}}",
            "POST /api/admin/config|{",
            // Malformed JSON to the display's own JSON routes: Quarkus alone answers an empty 400.
            "PUT /api/v1/admin/settings|{",
            "PUT /api/v1/admin/settings|{\"frames\": {\"intervalMs\": 8000}",
            "PUT /api/v1/admin/settings|{\"frames\": {intervalMs: 8000}}",
            "PUT /api/v1/admin/settings|not json at all",
            "PUT /api/v1/frames/hostile-json|{\"settings\": ",
            "POST /api/v1/admin/devices|{\"name\": \"phone\",}",
            "POST /api/v1/admin/sources|[{"})
    void aJsonBodyOfTheWrongShapeIsA400WithAReason(String row) {
        String[] parts = row.split("\\|", 2);
        String[] line = parts[0].split(" ");
        Response r = given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType("application/json")
                .body(parts[1]).request(line[0], line[1]);
        assertTrue(r.statusCode() == 400 || r.statusCode() == 422, row + ": " + r.statusCode() + " " + r.asString());
        clearJsonError(r, row);
    }

    @Test
    void malformedJsonIsA400ThatSaysWhereTheJsonBreaks() {
        Response r = given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType("application/json")
                .body("{\"frames\": {\"intervalMs\": 8000,}}").put("/api/v1/admin/settings");
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals("the request body is not valid JSON (line 1, column 32): check the quotes, commas and braces there",
                r.jsonPath().getString("error"));
        assertEquals(400, r.jsonPath().getInt("status"));
        clearJsonError(r, "malformed settings");
    }

    @Test
    void aBodyThatIsNotSentAsJsonIsA415ThatSaysSo() {
        Response r = given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType("text/plain")
                .body("{\"frames\": {\"intervalMs\": 8000}}").put("/api/v1/admin/settings");
        assertEquals(415, r.statusCode(), r.asString());
        assertEquals("The request body must be JSON: send it with Content-Type: application/json.", r.jsonPath().getString("error"));
        clearJsonError(r, "settings as text/plain");
    }

    @ParameterizedTest(name = "GET {0}")
    @ValueSource(strings = {"/images/..%2F..%2F..%2Fetc%2Fpasswd", "/images/%00.jpg", "/images/..%5C..%5Cwin.ini",
            "/media/..%2F..%2Fetc/display.webp", "/media/x/..%2F..%2F..%2Fsecret.webp", "/media/%00/display.webp"})
    void aHostileMediaPathIsA4xxAndLeaksNothing(String path) {
        Response r = given().urlEncodingEnabled(false).get(path);
        assertTrue(r.statusCode() >= 400 && r.statusCode() < 500, path + ": " + r.statusCode() + " " + r.asString());
        assertFalse(r.asString().contains("root:"), path);
        assertFalse(r.asString().matches("(?s).*(\\bat (java|io|org)\\.[\\w.$]+\\(|\\.java:\\d+).*"), path + ": " + r.asString());
    }

    private static void clearJsonError(Response r, String what) {
        String body = r.asString();
        assertTrue(r.contentType() != null && r.contentType().startsWith("application/json"), what + ": " + r.contentType() + " " + body);
        assertTrue(body.matches("(?s)\\{.*\"error\"\\s*:\\s*\"(?:[^\"\\\\]|\\\\.){6,}.*"), what + ": " + body);
        assertFalse(body.matches("(?s).*(\\bat (java|io|org)\\.[\\w.$]+\\(|Exception|\\.java:\\d+).*"), what + " leaks internals: " + body);
    }
}
