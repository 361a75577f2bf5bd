package io.imgboard.display.rest;

import io.imgboard.display.service.MediaGrants;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Renditions;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Renditions streamed from the real S3 server (s3proxy from LocalInfraResource), of photos published on
 * the real catalog topic: served while the frames show the photo, else only on the admin listing's grant.
 */
@QuarkusTest
class MediaResourceTest {
    private static final UUID PHOTO = UUID.randomUUID();
    /** Stored, but never on the frames: hidden before it was shown, say. */
    private static final UUID UNSHOWN = UUID.randomUUID();
    private static byte[] webp;
    private static Catalog catalog;

    @TestHTTPResource("/")
    URI root;

    @Inject
    MediaGrants grants;

    @Inject
    Playlist playlist;

    @BeforeAll
    static void putRendition() throws Exception {
        webp = Renditions.fixture();
        Renditions.put(PHOTO, "display", webp);
        Renditions.put(UNSHOWN, "display", webp);
        Renditions.put(UNSHOWN, "thumb", webp);
        catalog = new Catalog();
        catalog.publish(Catalog.photo(PHOTO, Instant.parse("2026-01-01T00:00:00Z")));
    }

    @AfterAll
    static void close() {
        catalog.close();
    }

    @org.junit.jupiter.api.BeforeEach
    void published() {
        await().atMost(Duration.ofSeconds(30)).until(() -> playlist.photo(PHOTO).isPresent());
    }

    @Test
    void aPhotoTheFramesDoNotShowIsServedOnlyOnTheAdminsGrant() {
        given().get("/media/{id}/display.webp", UNSHOWN).then().statusCode(404)
                .body("error", containsString("no display rendition"));
        given().head("/media/{id}/display.webp", UNSHOWN).then().statusCode(404);

        String granted = grants.grant("/media/" + UNSHOWN + "/display.webp?v=0123456789ab", UNSHOWN, "display");
        Response response = given().urlEncodingEnabled(false).get(granted);
        response.then().statusCode(200).contentType("image/webp").header("Cache-Control", "private, max-age=3600");
        assertArrayEquals(webp, response.asByteArray());
        given().urlEncodingEnabled(false).head(granted).then().statusCode(200);

        // A grant names one rendition of one photo, and cannot be made up or stretched.
        given().urlEncodingEnabled(false).get(granted.replace("/display.webp", "/thumb.webp")).then().statusCode(404);
        given().urlEncodingEnabled(false).get(granted.replace(UNSHOWN.toString(), PHOTO.toString())
                .replace("/display.webp", "/uhd.webp")).then().statusCode(404);
        String grant = granted.substring(granted.indexOf("&grant=") + 7);
        String later = granted.replaceFirst("exp=(\\d+)", "exp=" + (Long.parseLong(
                granted.replaceFirst(".*exp=(\\d+).*", "$1")) + 3600));
        given().urlEncodingEnabled(false).get(later).then().statusCode(404);
        // one character changed (never to itself: a grant that began with A was once "changed" to the same grant)
        String tampered = (grant.charAt(0) == 'A' ? "B" : "A") + grant.substring(1);
        given().urlEncodingEnabled(false).get(granted.replace(grant, tampered)).then().statusCode(404);
        given().urlEncodingEnabled(false).get("/media/" + UNSHOWN + "/display.webp?exp=99999999999&grant=").then().statusCode(404);
    }

    @Test
    void aPhotoTakenOffTheFramesIsNoLongerServed() throws Exception {
        UUID hidden = UUID.randomUUID();
        Renditions.put(hidden, "display", webp);
        catalog.publish(Catalog.photo(hidden, Instant.parse("2026-01-02T00:00:00Z")));
        await().atMost(Duration.ofSeconds(30)).until(() -> playlist.photo(hidden).isPresent());
        given().get("/media/{id}/display.webp", hidden).then().statusCode(200);

        catalog.retire(hidden); // hidden, deleted or retired: the ledger's tombstone
        await().atMost(Duration.ofSeconds(30)).until(() -> playlist.photo(hidden).isEmpty());
        given().get("/media/{id}/display.webp", hidden).then().statusCode(404);
        given().header("If-None-Match", "\"x\"").get("/media/{id}/display.webp", hidden).then().statusCode(404);
    }

    /** The URL the frames were given for the photo's rendition: {@code /media/<id>/<name>.webp?v=<version>}. */
    private String current(UUID photoId, String rendition) {
        return playlist.photo(photoId).orElseThrow().renditions().get(rendition);
    }

    @Test
    void servesTheRenditionWithAStrongEtagAndImmutableCaching() {
        Response response = given().urlEncodingEnabled(false).get(current(PHOTO, "display"));

        response.then().statusCode(200)
                .contentType("image/webp")
                .header("Cache-Control", "private, max-age=31536000, immutable")
                .header("Content-Length", String.valueOf(webp.length))
                .header("ETag", matchesPattern("\"[^\"]+\""));
        assertArrayEquals(webp, response.asByteArray());
    }

    /**
     * The object is found without the query, but only the current {@code v} is pinned for a year: under any
     * other (none, made up, another rendition's) the same key could hold other bytes tomorrow.
     */
    @Test
    void theVersionQueryOfPlaylistUrlsIsIgnoredForLookupButOnlyTheCurrentOneIsImmutable() {
        String current = current(PHOTO, "display");
        String etag = given().urlEncodingEnabled(false).get(current).then().statusCode(200)
                .header("Cache-Control", "private, max-age=31536000, immutable").extract().header("ETag");
        given().urlEncodingEnabled(false).head(current).then().statusCode(200)
                .header("Cache-Control", "private, max-age=31536000, immutable");

        String version = current.substring(current.indexOf("?v=") + 3);
        String thumbs = current(PHOTO, "thumb");
        for (String query : List.of("", "?v=0123456789ab", "?v=bogus", "?v=", "?v=" + version.toUpperCase(Locale.ROOT),
                "?v=" + thumbs.substring(thumbs.indexOf("?v=") + 3), "?w=" + version)) {
            String url = "/media/" + PHOTO + "/display.webp" + query;
            Response other = given().urlEncodingEnabled(false).get(url);
            other.then().statusCode(200)
                    .contentType("image/webp")
                    .header("Cache-Control", "private, no-cache")
                    .header("ETag", etag);
            assertArrayEquals(webp, other.asByteArray(), url);
            given().urlEncodingEnabled(false).head(url).then().statusCode(200).header("Cache-Control", "private, no-cache");
            given().urlEncodingEnabled(false).header("If-None-Match", etag).get(url).then().statusCode(304)
                    .header("Cache-Control", "private, no-cache");
        }
    }

    /** A reprocess gives the rendition a new version: the URL of the old one is no longer pinned, the new one is. */
    @Test
    void aReprocessedRenditionsOldUrlIsRevalidatedAndItsNewOneImmutable() throws Exception {
        UUID reprocessed = UUID.randomUUID();
        Renditions.put(reprocessed, "display", webp);
        PhotoPublished first = Catalog.photo(reprocessed, Instant.parse("2026-01-03T00:00:00Z"));
        catalog.publish(first);
        await().atMost(Duration.ofSeconds(30)).until(() -> playlist.photo(reprocessed).isPresent());
        String before = current(reprocessed, "display");

        List<Rendition> smaller = first.renditions().stream()
                .map(r -> r.name().equals("display") ? new Rendition(r.name(), r.key(), 1280, 960, r.bytes()) : r).toList();
        catalog.publish(new PhotoPublished(UUID.randomUUID(), Instant.now(), reprocessed, first.sha256(), smaller,
                first.width(), first.height(), first.capturedAt(), first.placeholder()));
        await().atMost(Duration.ofSeconds(30)).until(() -> current(reprocessed, "display"), not(equalTo(before)));

        given().urlEncodingEnabled(false).get(before).then().statusCode(200).header("Cache-Control", "private, no-cache");
        given().urlEncodingEnabled(false).get(current(reprocessed, "display")).then().statusCode(200)
                .header("Cache-Control", "private, max-age=31536000, immutable");
        catalog.retire(reprocessed);
    }

    @Test
    void aMatchingIfNoneMatchGets304WithoutABody() {
        String current = current(PHOTO, "display");
        String etag = given().urlEncodingEnabled(false).get(current).then().statusCode(200).extract().header("ETag");

        Response revalidation = given().urlEncodingEnabled(false).header("If-None-Match", etag).get(current);
        revalidation.then().statusCode(304)
                .header("ETag", etag)
                .header("Cache-Control", "private, max-age=31536000, immutable");
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
