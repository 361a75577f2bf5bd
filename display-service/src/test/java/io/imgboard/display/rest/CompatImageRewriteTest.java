package io.imgboard.display.rest;

import io.imgboard.display.config.S3Config;
import io.imgboard.display.storage.RenditionStore;
import io.imgboard.display.storage.RewrittenAfterStat;
import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.Renditions;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A reprocess writes a photo's rendition again, under the same key, whenever it is done. An answer on
 * img-board's {@code /images/<name>} must describe the bytes it carries, even when the object is
 * written again while the answer is being made (real broker, real S3; the store's stat is the moment).
 */
@QuarkusTest
class CompatImageRewriteTest {
    @Inject
    S3Config s3;

    private RewrittenAfterStat store;

    @BeforeEach
    void installStore() {
        store = new RewrittenAfterStat(s3);
        QuarkusMock.installMockForType(store, RenditionStore.class);
    }

    @Test
    void anImageWrittenAgainWhileItIsServedComesWithItsOwnLengthAndTag() throws Exception {
        UUID photoId = UUID.randomUUID();
        byte[] before = Renditions.fixture();
        byte[] after = Arrays.copyOf(before, before.length * 3); // the same start, three times as long
        Renditions.put(photoId, "display", before);
        String name;
        try (Catalog catalog = new Catalog()) {
            catalog.publish(Catalog.named(photoId, "rewritten.jpg", Instant.parse("2020-02-02T00:00:00Z")));
            name = await().atMost(Duration.ofSeconds(60)).until(() -> given().get("/api/images").jsonPath()
                    .getList("$", String.class).stream().filter(n -> n.startsWith("rewritten-")).findFirst().orElse(null),
                    n -> n != null);
        }

        store.rewriteAfterNextStat(after);
        Response whole = given().get("/images/" + name);
        assertEquals(200, whole.statusCode());
        byte[] body = whole.asByteArray();
        assertEquals(String.valueOf(body.length), whole.header("Content-Length"));
        byte[] now = store.open(photoId, "display").orElseThrow().body().readAllBytes();
        assertArrayEquals(now, body, "the answer is one version of the rendition, whole");
        Response again = given().get("/images/" + name);
        assertEquals(whole.header("ETag"), again.header("ETag"), "its tag is the tag of the bytes it carried");

        // A range is judged against the length the store saw; the bytes sent are what the read returned.
        Renditions.put(photoId, "display", after);
        store.rewriteAfterNextStat(before);
        Response part = given().header("Range", "bytes=0-").get("/images/" + name);
        assertEquals(206, part.statusCode());
        byte[] sent = part.asByteArray();
        assertEquals(String.valueOf(sent.length), part.header("Content-Length"));
        assertArrayEquals(before, sent);

        // Under an If-Range naming the bytes the stat saw, a part read from the bytes written after it would
        // splice two versions together: the whole new image goes instead.
        Renditions.put(photoId, "display", before);
        String seen = given().head("/images/" + name).header("ETag");
        store.rewriteAfterNextStat(after);
        Response resumed = given().header("If-Range", seen).header("Range", "bytes=10-").get("/images/" + name);
        assertEquals(200, resumed.statusCode());
        assertEquals(null, resumed.header("Content-Range"));
        assertArrayEquals(after, resumed.asByteArray());
        assertEquals(String.valueOf(after.length), resumed.header("Content-Length"));
    }
}
