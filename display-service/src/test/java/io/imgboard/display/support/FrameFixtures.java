package io.imgboard.display.support;

import io.imgboard.events.PhotoPublished;
import io.restassured.http.ContentType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.lessThan;

/** A named frame of photos of its own, for the browser tests of the frame page. */
public final class FrameFixtures {
    private FrameFixtures() {
    }

    /**
     * Publishes {@code photos} photos of {@code source} (renditions in S3, captured an hour apart from
     * {@code firstCapture}) and makes frame {@code frame} show only them, shuffled, one a second with
     * no transition; returns once the frame's bag holds them all (the page may be served before the
     * catalog records are read). Returns their ids.
     */
    public static Set<String> shuffledFrame(Catalog catalog, String frame, String source, int photos, Instant firstCapture)
            throws Exception {
        List<UUID> photoIds = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            photoIds.add(UUID.randomUUID());
        }
        // Every photo's renditions are in the bucket before any photo is published, as the preprocessor
        // has them there before the ledger publishes.
        Renditions.putAll(photoIds, Renditions.fixture(), "display", "uhd");
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < photos; i++) {
            UUID photoId = photoIds.get(i);
            PhotoPublished p = Catalog.photo(photoId, firstCapture.plusSeconds(3600L * i));
            catalog.publish(new PhotoPublished(p.eventId(), p.occurredAt(), photoId, p.sha256(), p.renditions(), p.width(),
                    p.height(), p.capturedAt(), p.placeholder(), "IMG_" + i + ".JPG", Instant.now(), List.of(source), List.of()));
            ids.add(photoId.toString());
        }
        given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN).contentType(ContentType.JSON)
                .body("{\"settings\":{\"intervalMs\":1000,\"transition\":\"none\",\"order\":\"shuffle\"},"
                        + "\"filter\":{\"sources\":[\"" + source + "\"]}}")
                .put("/api/v1/frames/" + frame).then().statusCode(lessThan(300));
        await().atMost(Duration.ofSeconds(120)).until(() -> given().header("Authorization", "Bearer " + Neighbours.ADMIN_TOKEN)
                .get("/api/v1/frames/" + frame + "/next?limit=1").jsonPath().getInt("total") == photos);
        return ids;
    }
}
