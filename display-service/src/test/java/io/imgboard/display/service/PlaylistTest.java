package io.imgboard.display.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The in-memory playlist: order, replacement, idempotence, and what a resuming frame is told it missed. */
class PlaylistTest {
    private final Playlist playlist = new Playlist();

    /**
     * Newest capture first, the photos without a date after every dated one (by when they joined, newest first);
     * oldest first (img-board's order) they come after every dated one too. Found in review: dated by their
     * arrival, undated photos came before older dated ones.
     */
    @Test
    void newestFirstByCaptureTimeThenThoseWithoutADate() {
        UUID old = UUID.randomUUID();
        UUID recent = UUID.randomUUID();
        UUID undated = UUID.randomUUID();
        UUID undatedBefore = UUID.randomUUID();
        playlist.publish(photo(old, Instant.parse("2019-01-01T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z")));
        playlist.publish(photo(recent, Instant.parse("2023-01-01T00:00:00Z"), Instant.parse("2024-01-01T00:00:00Z")));
        playlist.publish(photo(undated, null, Instant.parse("2021-06-01T00:00:00Z")));
        playlist.publish(photo(undatedBefore, null, Instant.parse("2018-06-01T00:00:00Z")));

        assertThat(ids(), contains(recent, old, undated, undatedBefore));
        List<PhotoView> oldestFirst = new ArrayList<>(newestFirst());
        oldestFirst.sort(PhotoView.OLDEST_FIRST);
        assertThat(oldestFirst.stream().map(PhotoView::photoId).toList(), contains(old, recent, undatedBefore, undated));
    }

    @Test
    void aRepublishedPhotoReplacesItsEntryAndMoves() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        playlist.publish(photo(a, Instant.parse("2020-01-01T00:00:00Z"), Instant.now()));
        playlist.publish(photo(b, Instant.parse("2021-01-01T00:00:00Z"), Instant.now()));
        assertThat(ids(), contains(b, a));

        assertTrue(playlist.publish(photo(a, Instant.parse("2022-01-01T00:00:00Z"), Instant.now())).isPresent());

        assertThat(ids(), contains(a, b));
        assertEquals(2, playlist.size());
    }

    @Test
    void aRedeliveredRecordChangesNothingAndEmitsNothing() {
        PhotoPublished published = photo(UUID.randomUUID(), null, Instant.parse("2024-01-01T00:00:00Z"));
        long before = playlist.seq();
        assertTrue(playlist.publish(published).isPresent());
        assertFalse(playlist.publish(published).isPresent());
        // Ids are catalog offsets: the no-op record moved the position, but sent nothing.
        assertEquals(before + 2, playlist.seq());
    }

    @Test
    void retiringIsIdempotent() {
        UUID id = UUID.randomUUID();
        playlist.publish(photo(id, null, Instant.now()));
        assertTrue(playlist.retire(id).isPresent());
        assertFalse(playlist.retire(id).isPresent());
        assertFalse(playlist.retire(UUID.randomUUID()).isPresent());
        assertEquals(0, playlist.size());
    }

    @Test
    void recordsNoFrameCouldShowAreRejected() {
        UUID id = UUID.randomUUID();
        PhotoPublished none = new PhotoPublished(UUID.randomUUID(), Instant.now(), id, "x", List.of(), 1, 1, null, null);
        PhotoPublished badNames = new PhotoPublished(UUID.randomUUID(), Instant.now(), id, "x",
                List.of(new Rendition("../x", "k", 1, 1, 1), new Rendition("UHD", "k", 1, 1, 1)), 1, 1, null, null);
        PhotoPublished noId = new PhotoPublished(UUID.randomUUID(), Instant.now(), null, "x",
                List.of(new Rendition("display", "k", 1, 1, 1)), 1, 1, null, null);
        assertThrows(InvalidCatalogRecordException.class, () -> playlist.publish(none));
        assertThrows(InvalidCatalogRecordException.class, () -> playlist.publish(badNames));
        assertThrows(InvalidCatalogRecordException.class, () -> playlist.publish(noId));
        assertEquals(0, playlist.size());
    }

    @Test
    void theDefaultUrlIsTheDisplayRenditionElseTheFirst() {
        UUID id = UUID.randomUUID();
        PhotoPublished thumbOnly = new PhotoPublished(UUID.randomUUID(), Instant.now(), id, "x",
                List.of(new Rendition("thumb", "k", 1, 1, 1)), 1, 1, null, null);
        playlist.publish(thumbOnly);
        assertThat(newestFirst().get(0).url(), startsWith("/media/" + id + "/thumb.webp?v="));
        playlist.publish(photo(id, null, Instant.now()));
        assertThat(newestFirst().get(0).url(), startsWith("/media/" + id + "/display.webp?v="));
    }

    @Test
    void aRepublishThatChangesNothingAFrameSeesSendsNoSecondAdd() {
        UUID id = UUID.randomUUID();
        assertTrue(playlist.publish(photo(id, null, Instant.parse("2024-01-01T00:00:00Z"))).isPresent());
        // the ledger publishes again when the photo gains an origin: another event, a later time
        assertTrue(playlist.publish(photo(id, null, Instant.parse("2024-01-02T00:00:00Z"))).isEmpty());
        assertEquals(Instant.parse("2024-01-01T00:00:00Z"), newestFirst().get(0).publishedAt());
    }

    @Test
    void aReprocessedRenditionGetsANewUrlAndARedeliveryKeepsIt() {
        UUID id = UUID.randomUUID();
        PhotoView first = PhotoView.from(withDisplay(id, 182_344));
        PhotoView redelivered = PhotoView.from(withDisplay(id, 182_344));  // another event id and time, same content
        PhotoView reprocessed = PhotoView.from(withDisplay(id, 179_020));

        assertThat(first.url(), matchesPattern("/media/" + id + "/display\\.webp\\?v=[0-9a-f]{12}"));
        assertEquals(first.url(), redelivered.url());
        assertEquals(first.renditions(), redelivered.renditions());
        assertNotEquals(first.url(), reprocessed.url());
        assertEquals(first.url(), first.renditions().get("display"));
        assertEquals(first.renditions().get("thumb"), reprocessed.renditions().get("thumb"), "only the changed rendition moves");
    }

    @Test
    void aPhotoReadsAsTheCatalogSaidItInTheSameJsonFramesAlwaysGot() throws Exception {
        UUID id = UUID.randomUUID();
        Instant captured = Instant.parse("2024-06-14T12:34:56Z");
        Instant published = Instant.parse("2026-12-03T09:56:59.468732308Z");
        Instant arrived = Instant.parse("2026-12-03T09:56:57.779871Z");
        String placeholder = "data:image/webp;base64,UklGRtgAAABXRUJQVlA4WAoAAAAAAAAAHwAAFwAA";
        List<Rendition> renditions = List.of(new Rendition("thumb", "renditions/" + id + "/thumb.webp", 480, 360, 12_196),
                new Rendition("display", "renditions/" + id + "/display.webp", 1440, 1080, 100_704),
                new Rendition("uhd", "renditions/" + id + "/uhd.webp", 2880, 2160, 340_312));
        PhotoView view = PhotoView.from(new PhotoPublished(UUID.randomUUID(), published, id, "ab", renditions, 4032, 3024,
                captured, placeholder, "IMG_0001.JPG", arrived, List.of("upload:api"), List.of()));

        assertEquals(captured, view.capturedAt());
        assertEquals(published, view.publishedAt(), "to the nanosecond");
        assertEquals(arrived, view.arrivedAt());
        assertEquals(placeholder, view.placeholder());
        assertEquals(List.of("thumb", "display", "uhd"), List.copyOf(view.renditions().keySet()), "the catalog's order");
        for (Rendition r : renditions) {
            assertEquals(MediaPaths.url(id, r), view.renditions().get(r.name()));
        }
        assertEquals(view.renditions().get("display"), view.url(), "display, though it is not the first");

        ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        JsonNode tree = json.readTree(json.writeValueAsString(view));
        List<String> fields = new ArrayList<>();
        tree.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("photoId", "url", "width", "height", "placeholder", "capturedAt", "publishedAt", "renditions",
                "fileName", "arrivedAt"), fields);
        assertEquals(id.toString(), tree.path("photoId").asText());
        assertEquals(view.url(), tree.path("url").asText());
        assertEquals(placeholder, tree.path("placeholder").asText());
        assertEquals("2026-12-03T09:56:59.468732308Z", tree.path("publishedAt").asText());
        assertEquals(view.renditions().get("uhd"), tree.path("renditions").path("uhd").asText());
        assertThat(view.fileName(), startsWith("IMG_0001"));
        assertEquals(view.fileName(), tree.path("fileName").asText());

        PhotoView undated = PhotoView.from(photo(UUID.randomUUID(), null, published));
        assertNull(undated.capturedAt());
        assertTrue(json.readTree(json.writeValueAsString(undated)).path("capturedAt").isNull(), "null, as before");
        assertEquals(published, undated.sortTime());
    }

    @Test
    void photosShareWhatTheyRepeatSoALibraryFitsInTheHeap() {
        PhotoView a = PhotoView.from(new PhotoPublished(UUID.randomUUID(), Instant.now(), UUID.randomUUID(), "ab",
                withDisplay(UUID.randomUUID(), 1).renditions(), 1, 1, null, null, "a.jpg", null,
                new ArrayList<>(List.of(new String("folder:nas"))), List.of()));
        PhotoView b = PhotoView.from(new PhotoPublished(UUID.randomUUID(), Instant.now(), UUID.randomUUID(), "ab",
                withDisplay(UUID.randomUUID(), 2).renditions(), 1, 1, null, null, "b.jpg", null,
                new ArrayList<>(List.of(new String("folder:nas"))), List.of()));

        assertEquals(List.of("folder:nas"), a.sourceIds());
        assertSame(a.sourceIds(), b.sourceIds(), "one list of source ids for both photos");
        assertNotEquals(a.renditions().get("display"), b.renditions().get("display"));
    }

    @Test
    void newestFirstToTheNanosecondThenById() {
        Instant second = Instant.parse("2024-01-01T00:00:00Z");
        UUID later = UUID.randomUUID();
        UUID earlier = UUID.randomUUID();
        UUID low = new UUID(0, 1);
        UUID high = new UUID(0, 2);
        playlist.publish(photo(earlier, second.plusNanos(1), second));
        playlist.publish(photo(high, second, second));
        playlist.publish(photo(later, second.plusNanos(2), second));
        playlist.publish(photo(low, second, second));

        assertThat(ids(), contains(later, earlier, low, high));
    }

    @Test
    void aPageOfTheNewestSaysHowManyThereAre() {
        playlist.markLoaded();
        for (int i = 0; i < 5; i++) {
            playlist.publish(photo(UUID.randomUUID(), Instant.parse("2020-01-01T00:00:00Z").plusSeconds(i), Instant.now()));
        }
        PlaylistView page = playlist.newest(2).await().atMost(Duration.ofSeconds(5));

        assertEquals(5, page.total());
        assertEquals(ids().subList(0, 2), page.photos().stream().map(PhotoView::photoId).toList());
    }

    @Test
    void onlyAnInlineWebpPlaceholderReachesFrames() {
        assertEquals("data:image/webp;base64,UklGRg==", PhotoView.placeholder("data:image/webp;base64,UklGRg=="));
        for (String bad : new String[]{null, "", "https://tracker.example/p.gif", "javascript:alert(1)",
                "data:image/svg+xml;base64,PHN2Zz4=", "DATA:image/webp;base64,UklGRg==", " data:image/webp;base64,x"}) {
            assertNull(PhotoView.placeholder(bad), bad);
        }
        assertNull(PhotoView.placeholder("data:image/webp;base64,not base64!"), "base64 that does not decode");
        UUID id = UUID.randomUUID();
        PhotoPublished remote = new PhotoPublished(UUID.randomUUID(), Instant.now(), id, "x",
                List.of(new Rendition("display", "k", 1, 1, 1)), 1, 1, null, "https://tracker.example/p.gif");
        assertNull(PhotoView.from(remote).placeholder());
    }

    @Test
    void changesSinceAnOffsetAreEachPhotoOnceInItsLatestStateAndTheRemovalsInOrder() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        playlist.publish(photo(a, null, Instant.now()), 10);
        playlist.publish(photo(b, null, Instant.now()), 11);
        playlist.retire(a, 12);
        playlist.publish(photo(c, null, Instant.now()), 13);
        playlist.publish(photo(b, Instant.parse("2020-01-01T00:00:00Z"), Instant.now()), 14);

        List<PlaylistEvent> missed = playlist.since(11).orElseThrow();
        assertEquals(List.of(12L, 13L, 14L), missed.stream().map(PlaylistEvent::seq).toList());
        assertEquals(a, ((PlaylistEvent.Removed) missed.get(0)).photoId());
        assertEquals(c, ((PlaylistEvent.Added) missed.get(1)).photo().photoId());
        assertEquals(b, ((PlaylistEvent.Updated) missed.get(2)).photo().photoId(), "b was there at 11: changed, not new");
        assertNull(((PlaylistEvent.Updated) missed.get(2)).previous(), "what the frame holds of b is not known");
        assertEquals(List.of(PlaylistEvent.Added.class), playlist.since(10).orElseThrow().stream()
                .filter(e -> e.shown() != null && e.shown().photoId().equals(b)).map(Object::getClass).toList(),
                "b joined after 10: one add, in its latest state");
        assertTrue(playlist.since(14).orElseThrow().isEmpty(), "up to date: nothing");
        assertTrue(playlist.since(15).isEmpty(), "ahead of what this instance read: cannot resume");
        playlist.read(15, System.currentTimeMillis() - Playlist.RESUMABLE_AGE.toMillis() - 60_000);
        assertTrue(playlist.since(14).isEmpty(), "older than a record read too old to trust: fresh page");
        assertTrue(playlist.since(15).isPresent());
    }

    @Test
    void aChangedPhotoIsAnUpdateWithItsPreviousStateAndARetiredOneBackUnderItsIdIsRemovedThenAdded() {
        UUID a = UUID.randomUUID();
        PlaylistEvent first = playlist.publish(photo(a, null, Instant.now()), 10).orElseThrow();
        PlaylistEvent changed = playlist.publish(photo(a, Instant.parse("2020-01-01T00:00:00Z"), Instant.now()), 11).orElseThrow();
        assertThat(first, instanceOf(PlaylistEvent.Added.class));
        PlaylistEvent.Updated update = (PlaylistEvent.Updated) changed;
        assertEquals(first.shown(), update.previous());
        assertEquals(Instant.parse("2020-01-01T00:00:00Z"), update.photo().capturedAt());

        playlist.retire(a, 12);
        assertThat(playlist.publish(photo(a, null, Instant.now()), 13).orElseThrow(), instanceOf(PlaylistEvent.Added.class));
        List<PlaylistEvent> missed = playlist.since(11).orElseThrow();
        assertEquals(List.of(12L, 13L), missed.stream().map(PlaylistEvent::seq).toList());
        assertThat(missed.get(0), instanceOf(PlaylistEvent.Removed.class));
        assertThat(missed.get(1), instanceOf(PlaylistEvent.Added.class));
        assertEquals(List.of(13L), playlist.since(12).orElseThrow().stream().map(PlaylistEvent::seq).toList());
    }

    @Test
    void aResumingFrameIsAnsweredFromTheChangesKeptNotFromTheWholeLibrary() {
        int photos = Playlist.CHANGES_KEPT + 10;
        List<UUID> joined = new java.util.ArrayList<>();
        for (int i = 0; i < photos; i++) {
            UUID id = UUID.randomUUID();
            playlist.publish(photo(id, Instant.parse("2020-01-01T00:00:00Z").plusSeconds(i), Instant.now()), i);
            joined.add(id);
        }
        long last = photos - 1;
        List<PlaylistEvent> missed = playlist.since(last - 3).orElseThrow();
        assertEquals(List.of(last - 2, last - 1, last), missed.stream().map(PlaylistEvent::seq).toList());
        assertTrue(missed.stream().allMatch(PlaylistEvent.Added.class::isInstance), missed.toString());

        // The first photo joined long before what is kept; a change to it is still an update, not an add.
        playlist.publish(photo(joined.get(0), Instant.parse("2019-01-01T00:00:00Z"), Instant.now()), last + 1);
        List<PlaylistEvent> update = playlist.since(last).orElseThrow();
        assertEquals(1, update.size());
        assertThat(update.get(0), instanceOf(PlaylistEvent.Updated.class));
        assertEquals(joined.get(0), update.get(0).shown().photoId());

        assertTrue(playlist.since(5).isEmpty(), "from before the changes kept: a fresh page");
    }

    private List<UUID> ids() {
        return newestFirst().stream().map(PhotoView::photoId).toList();
    }

    /** Every photo (these tests hold a few), newest first: what a page of the playlist shows. */
    private List<PhotoView> newestFirst() {
        return playlist.read(photos -> Playlist.newest(photos, 1_000));
    }

    private static PhotoPublished withDisplay(UUID id, long displayBytes) {
        return new PhotoPublished(UUID.randomUUID(), Instant.now(), id, "ab",
                List.of(new Rendition("display", "renditions/" + id + "/display.webp", 1440, 1080, displayBytes),
                        new Rendition("thumb", "renditions/" + id + "/thumb.webp", 320, 240, 9_000)),
                4000, 3000, null, null);
    }

    static PhotoPublished photo(UUID id, Instant capturedAt, Instant publishedAt) {
        return new PhotoPublished(UUID.randomUUID(), publishedAt, id, "ab",
                List.of(new Rendition("display", "renditions/" + id + "/display.webp", 1440, 1080, 1),
                        new Rendition("thumb", "renditions/" + id + "/thumb.webp", 320, 240, 1)),
                4000, 3000, capturedAt, null);
    }
}
