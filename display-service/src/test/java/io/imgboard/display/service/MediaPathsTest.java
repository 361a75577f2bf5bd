package io.imgboard.display.service;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaPathsTest {

    @Test
    void onlyCanonicalUuidsAreTakenAndTheyAreLowerCased() {
        UUID id = UUID.randomUUID();
        assertEquals(id, MediaPaths.photoId(id.toString().toUpperCase()).orElseThrow());
        assertEquals("renditions/" + id + "/display.webp",
                io.imgboard.events.Rendition.keyFor(MediaPaths.photoId(id.toString().toUpperCase()).orElseThrow(), "display"));
        for (String bad : new String[]{null, "", "1-2-3-4-5", "../../etc/passwd", id + "/..", " " + id, id + "x"}) {
            assertTrue(MediaPaths.photoId(bad).isEmpty(), bad);
        }
    }
}
