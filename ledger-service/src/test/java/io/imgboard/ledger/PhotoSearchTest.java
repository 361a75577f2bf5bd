package io.imgboard.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static io.imgboard.ledger.Pipeline.arrived;
import static io.imgboard.ledger.Pipeline.asService;
import static io.imgboard.ledger.Pipeline.awaitPhoto;
import static io.imgboard.ledger.Pipeline.newSha256;
import static io.imgboard.ledger.Pipeline.photo;
import static io.imgboard.ledger.Pipeline.processed;
import static io.imgboard.ledger.Pipeline.read;
import static io.imgboard.ledger.Pipeline.send;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /api/v1/photo-search}: the admin page's list by source, device, capture date and state, in pages. */
@QuarkusTest
class PhotoSearchTest {
    @jakarta.inject.Inject
    javax.sql.DataSource database;


    @Test
    void searchesBySourceCaptureDayAndStateAndPagesWithABodyCursor() {
        // A source of this run only, so other tests' photos never match.
        String source = "folder:search-" + UUID.randomUUID().toString().substring(0, 8);
        Instant[] taken = {Instant.parse("2019-03-01T10:00:00Z"), Instant.parse("2019-03-02T23:30:00Z"),
                Instant.parse("2021-07-04T08:00:00Z")};
        List<String> ids = new ArrayList<>();
        for (Instant at : taken) {
            String sha = newSha256();
            send(arrived(source, "s-" + sha.substring(0, 6) + ".jpg", sha));
            UUID id = UUID.fromString(awaitPhoto(sha).get("photoId").asText());
            processed(id, 800, 600, at, Pipeline.randomPhash());
            await().atMost(Pipeline.TIMEOUT).until(() -> "READY".equals(photo(sha).get("status").asText()));
            ids.add(id.toString());
        }
        String noCapture = newSha256();
        send(arrived(source, "s-" + noCapture.substring(0, 6) + ".jpg", noCapture));
        String pendingId = awaitPhoto(noCapture).get("photoId").asText();

        assertEquals(List.of(pendingId, ids.get(2), ids.get(1), ids.get(0)), search("source=" + source),
                "all of the source's photos, newest arrival first");
        assertEquals(List.of(ids.get(1), ids.get(0)), search("source=" + source + "&from=2019-03-01&to=2019-03-02"),
                "'to' is inclusive");
        // A photo without a capture time is dated by its file (2026-01-02 here), as frames show and filter it.
        assertEquals(List.of(pendingId, ids.get(2)), search("source=" + source + "&from=2020-01-01"));
        assertEquals(List.of(pendingId), search("source=" + source + "&from=2026-01-02&to=2026-01-02"));
        assertEquals(List.of(pendingId), search("source=" + source + "&state=pending"));

        asService().post("/api/v1/photos/{id}/hide", ids.get(1)).then().statusCode(200);
        assertEquals(List.of(ids.get(1)), search("source=" + source + "&state=HIDDEN"));
        assertEquals(List.of(ids.get(2), ids.get(0)), search("source=" + source + "&state=VISIBLE"));

        // Pages of two: the cursor is in the body and the last page has none.
        JsonNode first = page("source=" + source + "&limit=2");
        assertNotNull(first.get("next").textValue());
        JsonNode second = page("source=" + source + "&limit=2&cursor=" + first.get("next").asText());
        assertEquals(List.of(ids.get(1), ids.get(0)), idsOf(second));
        JsonNode third = page("source=" + source + "&limit=2&cursor=" + second.get("next").asText());
        assertTrue(third.get("photos").isEmpty() && third.get("next").isNull(), third.toString());
    }

    @Test
    void aSourceMayBeNamedWithoutItsKindAsAFrameFilterNamesIt() {
        String name = "named-" + UUID.randomUUID().toString().substring(0, 8);
        String fromFolder = arrive("folder:" + name);
        String fromDav = arrive("dav:" + name);
        arrive("folder:" + name + "-other");

        assertEquals(List.of(fromFolder), search("source=folder:" + name), "the whole id picks that source only");
        assertEquals(List.of(fromDav, fromFolder), search("source=" + name), "a bare name picks every kind so named");
        assertEquals(List.of(fromDav, fromFolder), idsOf(read(given().queryParam("source", " " + name + " ")
                .get("/api/v1/photo-search").then().statusCode(200).extract().asString())), "typed with spaces around it");
        List<String> listed = new ArrayList<>();
        read(asService().get("/api/v1/photos?source=" + name).then().statusCode(200).extract().asString())
                .forEach(p -> listed.add(p.get("photoId").asText()));
        assertEquals(List.of(fromDav, fromFolder), listed, "the ledger's photo list reads a source the same way");
        assertEquals(List.of(), search("source=" + name.substring(0, 10)), "not a prefix");
    }

    /** The admin finds a photo by a part of its file name, in any case; % and _ are letters, not wildcards. */
    @Test
    void aPhotoIsFoundByAPartOfItsFileName() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String plain = arrive("folder:names", "IMG_" + tag + "_0042.JPG");
        String percent = arrive("upload:api", "100%_" + tag + ".jpg");
        arrive("upload:api", "IMGx" + tag + "x0042.jpg"); // what IMG_..._0042 would match were _ a wildcard
        arrive("upload:api", "100xx_" + tag + ".jpg"); // what 100%_... would match were % a wildcard

        assertEquals(List.of(plain), search("name=img_" + tag + "_0042"), "a part, in any case");
        assertEquals(List.of(percent), idsOf(read(given().queryParam("name", "100%_" + tag).get("/api/v1/photo-search")
                .then().statusCode(200).extract().asString())), "% is a letter");
        assertEquals(4, search("name=" + tag).size(), "every name holding the text");
        assertEquals(List.of(plain), search("name=" + tag + "&source=names"), "with the other filters");
        given().queryParam("name", "x".repeat(256)).get("/api/v1/photo-search").then().statusCode(400)
                .body("error", containsString("255"));
    }

    /**
     * A twin's file name finds its photo, whether few origins hold the text (the photos are found from them, through
     * the names' trigram index) or many (the list walks the photos): both ways give the same answer.
     */
    @Test
    void aTwinsNameFindsItsPhotoWhetherFewOrManyNamesHoldTheText() throws Exception {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        long hash = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        Instant shot = Instant.parse("2018-05-01T00:00:00Z")
                .plusSeconds(java.util.concurrent.ThreadLocalRandom.current().nextInt(100_000_000));
        String jpeg = newSha256();
        UUID primary = Pipeline.arrivedAndProcessed("folder:nas", "IMG_" + tag + ".JPG", jpeg, 3024, 4032, shot, hash);
        String heic = newSha256();
        send(arrived("folder:icloudpd", "2018/twin-" + tag + ".HEIC", heic));
        UUID twin = UUID.fromString(awaitPhoto(heic).get("photoId").asText());
        processed(twin, 4032, 5376, shot.plusSeconds(1), String.format("%016x", hash ^ 0x8001L));
        await().atMost(Pipeline.TIMEOUT).until(() -> photo(heic).get("photoId").asText().equals(primary.toString()));

        assertEquals(List.of(primary.toString()), search("name=twin-" + tag), "few names: found from the origins");
        // More origins than count as few hold the text: the twin's name still finds its photo, walking the photos.
        try (var db = database.getConnection(); var many = db.prepareStatement("""
                INSERT INTO origin (photo_id, source_id, path, name, first_seen_at, last_seen_at)
                SELECT ?, 'folder:many', 'many/' || ? || '/' || g || '.jpg', 'twin-' || ? || '-copy-' || g || '.jpg',
                       now(), now()
                FROM generate_series(1, 20001) g""")) {
            many.setObject(1, twin);
            many.setString(2, tag);
            many.setString(3, tag);
            many.executeUpdate();
        }
        try {
            assertEquals(List.of(primary.toString()), search("name=twin-" + tag), "many names: found walking the photos");
            assertEquals(List.of(primary.toString()), search("name=IMG_" + tag), "its own name, alongside");
        } finally {
            try (var db = database.getConnection(); var gone = db.prepareStatement(
                    "DELETE FROM origin WHERE source_id = 'folder:many' AND path LIKE ?")) {
                gone.setString(1, "many/" + tag + "/%");
                gone.executeUpdate();
            }
        }
    }

    private static String arrive(String sourceId, String name) {
        String sha = newSha256();
        send(arrived(sourceId, name, sha));
        return awaitPhoto(sha).get("photoId").asText();
    }

    private static String arrive(String sourceId) {
        String sha = newSha256();
        send(arrived(sourceId, "n-" + sha.substring(0, 6) + ".jpg", sha));
        return awaitPhoto(sha).get("photoId").asText();
    }

    @Test
    void badQueriesAreJson400s() {
        given().get("/api/v1/photo-search?from=yesterday").then().statusCode(400).contentType(ContentType.JSON)
                .body("status", equalTo(400)).body("error", containsString("2026-07-01")).body(not(containsString("at io.")));
        given().get("/api/v1/photo-search?from=2020-02-02&to=2020-02-01").then().statusCode(400)
                .body("error", containsString("before"));
        given().get("/api/v1/photo-search?state=LOST").then().statusCode(400).body("error", containsString("VISIBLE"));
        given().get("/api/v1/photo-search?limit=0").then().statusCode(400).body("status", equalTo(400));
        given().get("/api/v1/photo-search?cursor=zzz").then().statusCode(400).body("error", containsString("cursor"));
    }

    private static JsonNode page(String query) {
        return read(given().get("/api/v1/photo-search?" + query).then().statusCode(200).extract().asString());
    }

    private static List<String> search(String query) {
        return idsOf(page(query));
    }

    private static List<String> idsOf(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("photos").forEach(p -> out.add(p.get("photoId").asText()));
        return out;
    }
}
