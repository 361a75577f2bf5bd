package io.imgboard.display.rest;

import io.imgboard.display.support.Neighbours;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.infra.testing.RawHttp;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** imgboard.frames.token and imgboard.frames.frame-ancestors: frames kept off the street, embeddable where allowed. */
@QuarkusTest
@TestProfile(FrameTokenTest.WithToken.class)
@QuarkusTestResource(LocalInfraResource.class)
@QuarkusTestResource(Neighbours.class)
class FrameTokenTest {
    static final String TOKEN = "household-frames-7f3a";

    public static class WithToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("imgboard.frames.token", TOKEN,
                    "imgboard.frames.frame-ancestors", "'self' https://dakboard.com");
        }
    }

    @Test
    void withoutTheTokenFramesAndTheirDataAnswer401AsJson() {
        for (String path : new String[]{"/", "/frames/default", "/api/v1/events", "/api/v1/frames/default/next",
                "/api/v1/playlist", "/media/00000000-0000-0000-0000-000000000001/display.webp", "/api/images", "/api/events"}) {
            RestAssured.given().redirects().follow(false).get(path).then().statusCode(401)
                    .contentType(containsString("application/json")).body("status", equalTo(401))
                    .body("error", containsString("?token="));
            RestAssured.given().cookie(FrameAccess.COOKIE, "wrong").get(path + "?token=wrong").then().statusCode(401);
        }
        // Scripts and styles carry no photos.
        RestAssured.get("/frame.js").then().statusCode(200);
    }

    @Test
    void everySpellingOfAFramePathNeedsTheTokenToo() throws Exception {
        // each of these reaches a route when nothing guards it (the routers forgive a trailing slash, //, dot
        // segments, escapes and ;parameters): the guard must answer 401 first
        for (String path : new String[]{"/media;x/00000000-0000-0000-0000-000000000001/display.webp", "//api/v1/playlist",
                "/api;x/v1/playlist", "/api/v1/./playlist", "/x/../api/v1/playlist", "/%61pi/v1/playlist", "/api/v1/playlist;x",
                "//api/images", "/api;x/images", "//frames/default", "/index.html;x", "/api/v1/events;x", "/api/v1/playlist/",
                "/api/v1/events/", "/api/events/", "/api/images/", "/api/v1/frames/default/next/", "/api;x/v1/playlist/"}) {
            RawHttp.Raw r = RawHttp.send(URI.create(RestAssured.baseURI).getHost(), RestAssured.port, "GET " + path + " HTTP/1.1",
                    List.of(), new byte[0]);
            assertEquals(401, r.status(), path + ": " + r.head() + "\n" + r.body());
        }
    }

    @Test
    void theTokenOpensThePageWhichSetsACookieThatOpensTheRest() {
        Response page = RestAssured.given().redirects().follow(false).get("/frames/default?token=" + TOKEN);
        page.then().statusCode(200).header("Content-Security-Policy", equalTo("frame-ancestors 'self' https://dakboard.com"));
        String cookie = page.getCookie(FrameAccess.COOKIE);
        assertNotNull(cookie, "the page sets the frame cookie");
        assertEquals("/", page.getDetailedCookie(FrameAccess.COOKIE).getPath());
        RestAssured.given().cookie(FrameAccess.COOKIE, cookie).get("/api/v1/frames/default/next?limit=1").then().statusCode(200);
        RestAssured.given().cookie(FrameAccess.COOKIE, cookie).get("/api/v1/playlist").then().statusCode(200);
        RestAssured.given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).get("/api/v1/playlist")
                .then().statusCode(200);
        // The admin side is not a frame: it keeps its own token.
        RestAssured.given().cookie(FrameAccess.COOKIE, cookie).get("/api/v1/frames").then().statusCode(401)
                .body("error", not(containsString("?token=")));
    }
}
