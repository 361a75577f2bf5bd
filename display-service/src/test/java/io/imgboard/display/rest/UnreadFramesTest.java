package io.imgboard.display.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A display that has not read its settings (which hold the named frames) does not yet know which
 * names are frames. It must answer "not yet" (503 with Retry-After), never "no such frame" (404): a
 * screen that reconnects to a just-restarted display reloads on a 404 and would stay on that page.
 * Here the settings topic the display reads does not exist on the real broker (it creates no topics),
 * so it is never read.
 */
@QuarkusTest
@TestProfile(UnreadFramesTest.SettingsNeverRead.class)
class UnreadFramesTest {

    public static class SettingsNeverRead implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("mp.messaging.incoming.settings.topic", "imgboard.settings-that-is-never-made");
        }
    }

    @Test
    void aNameNotKnownYetIsAskedAgainLaterNotToldItIsGone() {
        given().get("/frames/kitchen").then().statusCode(503).header("Retry-After", "5")
                .body(containsString("The display is starting"));
        given().head("/frames/kitchen").then().statusCode(503);
        given().get("/api/v1/events?frame=kitchen").then().statusCode(503).header("Retry-After", "5")
                .body("error", containsString("not read yet"));
        given().get("/api/v1/frames/kitchen/next").then().statusCode(503).header("Retry-After", "5");
        // A name no frame can have is never one: no need to wait for the settings to say so.
        given().get("/frames/Not_A_Frame").then().statusCode(404);
        given().get("/api/v1/events?frame=Not_A_Frame").then().statusCode(404);
        // The default frame needs no settings to exist.
        given().get("/frames/default").then().statusCode(200).body(containsString("frame.js"));
        given().get("/api/v1/frames/default/next?limit=0").then().statusCode(equalTo(200));
    }
}
