package io.imgboard.display.messaging;

import io.imgboard.display.service.Playlist;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up warm-up reads a catalog record with the application's own JSON mapper and writes the
 * photo as a frame's add carries it, and the playlist (what frames see) is untouched. (It also ran
 * when this test's application started.)
 */
@QuarkusTest
class StartupWarmUpTest {
    @Inject
    StartupWarmUp warmUp;

    @Inject
    Playlist playlist;

    @Test
    void readsARecordAndWritesAnAddWithoutTouchingThePlaylist() throws Exception {
        int before = playlist.size();

        assertTrue(warmUp.warmUp(), "every step of the warm-up should succeed");
        String add = warmUp.photoAsAFrameGetsIt();

        assertThat(add, containsString("\"url\":\"/media/"));
        assertThat(add, containsString("/display.webp?v="));
        assertEquals(before, playlist.size(), "the warm-up's photo is never in the playlist");
    }
}
