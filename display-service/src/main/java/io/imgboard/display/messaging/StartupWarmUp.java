package io.imgboard.display.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.service.PhotoView;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import io.imgboard.support.WarmUp;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the first photo after start-up would otherwise pay for in the display: Jackson building the
 * reader of a catalog record ({@link PhotoPublished}, read as {@link CatalogConsumer} reads it) and
 * the writer of a photo as a frame's {@code add} carries it ({@link PhotoView}). A display starts with
 * no photo or with photos read before any frame connected, so neither had run. Touches neither the
 * playlist nor any frame. Runs at start-up with {@code imgboard.warm-up} (default on).
 */
@ApplicationScoped
public class StartupWarmUp {
    private final ObjectMapper json;

    StartupWarmUp(ObjectMapper json) {
        this.json = json;
    }

    void onStart(@Observes StartupEvent event,
                 @ConfigProperty(name = "imgboard.warm-up", defaultValue = "true") boolean enabled) {
        if (enabled) {
            warmUp();
        }
    }

    /** @return whether every step succeeded; never throws */
    public boolean warmUp() {
        return WarmUp.of("display").step("catalog", this::photoAsAFrameGetsIt).run();
    }

    /** A catalog record as the consumer reads it, then the photo as a frame's {@code add} carries it. */
    String photoAsAFrameGetsIt() throws Exception {
        UUID photoId = UUID.randomUUID();
        Instant now = Instant.now();
        PhotoPublished record = new PhotoPublished(UUID.randomUUID(), now, photoId, "0".repeat(64),
                List.of(new Rendition("display", Rendition.keyFor(photoId, "display"), 4, 3, 1)), 4, 3, now,
                null, "warm-up.jpg", now, List.of("upload:warm-up"), List.of());
        PhotoPublished read = json.readValue(json.writeValueAsString(record), PhotoPublished.class);
        return json.writeValueAsString(PhotoView.from(read));
    }
}
