package io.imgboard.display.rest;

import io.imgboard.display.support.Renditions;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Renditions streamed from the real S3 server (s3proxy from LocalInfraResource). */
@QuarkusTest
class MediaResourceTest {
    private static final UUID PHOTO = UUID.randomUUID();
    private static byte[] webp;

    @TestHTTPResource("/")
    URI root;

    @BeforeAll
    static void putRendition() throws Exception {
        webp = Renditions.fixture();
        Renditions.put(PHOTO, "display", webp);
    }

    @Test
    void servesTheRenditionWithAStrongEtagAndImmutableCaching() {
        Response response = given().get("/media/{id}/display.webp", PHOTO);

        response.then().statusCode(200)
                .contentType("image/webp")
                .header("Cache-Control", "public, max-age=31536000, immutable")
                .header("Content-Length", String.valueOf(webp.length))
                .header("ETag", matchesPattern("\"[^\"]+\""));
        assertArrayEquals(webp, response.asByteArray());
    }

    @Test
    void theVersionQueryOfPlaylistUrlsIsIgnoredForLookup() {
        Response bare = given().get("/media/{id}/display.webp", PHOTO);
        Response versioned = given().get("/media/{id}/display.webp?v=0123456789ab", PHOTO);

        versioned.then().statusCode(200)
                .contentType("image/webp")
                .header("Cache-Control", "public, max-age=31536000, immutable")
                .header("ETag", bare.header("ETag"));
        assertArrayEquals(webp, versioned.asByteArray());
        given().head("/media/{id}/display.webp?v=x", PHOTO).then().statusCode(200);
    }

    @Test
    void aMatchingIfNoneMatchGets304WithoutABody() {
        String etag = given().get("/media/{id}/display.webp", PHOTO).then().statusCode(200).extract().header("ETag");

        Response revalidation = given().header("If-None-Match", etag).get("/media/{id}/display.webp", PHOTO);
        revalidation.then().statusCode(304)
                .header("ETag", etag)
                .header("Cache-Control", "public, max-age=31536000, immutable");
        assertEquals(0, revalidation.asByteArray().length);

        given().header("If-None-Match", "\"something-else\", W/" + etag).get("/media/{id}/display.webp", PHOTO)
                .then().statusCode(304);
        given().header("If-None-Match", "\"something-else\"").get("/media/{id}/display.webp", PHOTO)
                .then().statusCode(200);
    }

    @Test
    void headAnswersLikeGetWithoutTheBody() {
        given().head("/media/{id}/display.webp", PHOTO).then().statusCode(200)
                .contentType("image/webp")
                .header("Content-Length", String.valueOf(webp.length))
                .header("ETag", not(emptyOrNullString()));
    }

    @Test
    void unknownPhotosAndRenditionsAre404Json() {
        given().get("/media/{id}/display.webp", UUID.randomUUID()).then().statusCode(404)
                .contentType("application/json")
                .body("status", equalTo(404))
                .body("error", containsString("no display rendition"));
        given().get("/media/{id}/uhd.webp", PHOTO).then().statusCode(404).body("status", equalTo(404));
        given().header("If-None-Match", "\"x\"").get("/media/{id}/uhd.webp", PHOTO).then().statusCode(404);
    }

    @Test
    void idsAndNamesThatAreNotStrictlyValidAre400Json() {
        for (String path : new String[]{
                "/media/not-a-uuid/display.webp",
                "/media/1-2-3-4-5/display.webp",
                "/media/..%2F..%2Fetc%2Fpasswd/display.webp",
                "/media/" + PHOTO + "/..%2F..%2Fsecret.webp",
                "/media/" + PHOTO + "/DISPLAY.webp",
                "/media/" + PHOTO + "/display.png",
                "/media/" + PHOTO + "/display_1.webp",
                "/media/" + PHOTO + "/-display.webp",
                "/media/" + PHOTO + "/" + "a".repeat(33) + ".webp"}) {
            given().urlEncodingEnabled(false).get(path).then()
                    .statusCode(400)
                    .contentType("application/json")
                    .body("status", equalTo(400))
                    .body("error", not(emptyOrNullString()));
        }
    }

    @Test
    void dotSegmentsNeverReachStorage() throws Exception {
        // Sent as written (the JDK client does not normalise); whatever the server makes of it, no file leaks.
        for (String path : new String[]{"media/" + PHOTO + "/../../../../etc/passwd", "media/%2e%2e/display.webp",
                "media/" + PHOTO + "/%2e%2e/%2e%2e/etc/passwd"}) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(root + path)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(path, String.valueOf(response.statusCode()), matchesPattern("4\\d\\d"));
            assertThat(response.body(), not(containsString("root:")));
            assertThat(response.headers().firstValue("Content-Type").orElse(""), not(startsWith("image/")));
        }
    }
}
