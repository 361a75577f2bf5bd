package io.imgboard.display.service.frames;

import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.PhotoView;
import io.imgboard.display.service.Playlist;
import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shuffle bags over an in-memory playlist: rounds, positions, late arrivals, filters, windows. */
class FrameBagsTest {
    private static final FrameSettings SHUFFLE = FrameSettings.DEFAULTS;
    private final Playlist playlist = new Playlist();
    private final MovingClock clock = new MovingClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final FrameBags bags = new FrameBags(playlist, clock);

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
    private final FrameDefinition kitchen = FrameDefinition.empty("kitchen");

    @Test
    void everyPhotoOncePerRoundInANewOrderEachRoundAcrossWindowsOfAnySize() {
        Set<UUID> all = new HashSet<>(publish(23, null, Instant.parse("2020-01-01T00:00:00Z")));
        List<List<UUID>> rounds = new ArrayList<>();
        FramePage page = page(kitchen, SHUFFLE, 7);
        List<UUID> shown = new ArrayList<>();
        long round = page.round();
        while (rounds.size() < 3) {
            if (page.round() != round) {
                rounds.add(shown);
                shown = new ArrayList<>();
                round = page.round();
            }
            assertEquals(shown.size(), page.position(), "position counts what this round already showed");
            assertEquals(23, page.total());
            List<UUID> ids = page.photos().stream().map(PhotoView::photoId).toList();
            shown.addAll(ids);
            page = bags.next(kitchen, SHUFFLE, ids.get(ids.size() - 1), page.round(), 7);
        }
        for (List<UUID> one : rounds) {
            assertEquals(23, one.size(), "each photo once: " + one);
            assertEquals(all, new HashSet<>(one));
        }
        assertNotEquals(rounds.get(0), rounds.get(1), "each round is shuffled anew");
    }

    @Test
    void aWindowIsAtMostTheLimitAndTheBagResumesWhereTheFrameReported() {
        publish(250, null, Instant.parse("2020-01-01T00:00:00Z"));
        FramePage first = page(kitchen, SHUFFLE, FrameBags.MAX_WINDOW);
        assertEquals(100, first.photos().size());
        UUID tenth = first.photos().get(9).photoId();
        FramePage next = bags.next(kitchen, SHUFFLE, tenth, first.round(), 100);
        assertEquals(10, next.position());
        assertEquals(first.photos().get(10).photoId(), next.photos().get(0).photoId());
        // A fresh connection (a reload) continues from there, too.
        FramePage reload = page(kitchen, SHUFFLE, 100);
        assertEquals(first.photos().subList(10, 100), reload.photos().subList(0, 90));
        // A report from another round moves nothing.
        bags.next(kitchen, SHUFFLE, first.photos().get(50).photoId(), first.round() + 7, 100);
        assertEquals(10, page(kitchen, SHUFFLE, 100).position());
    }

    @Test
    void aPhotoThatArrivesDuringARoundWaitsForTheNextOneItWasSentAsAnAdd() {
        Instant start = clock.instant();
        publish(5, null, start.minusSeconds(3600));
        FramePage first = page(kitchen, SHUFFLE, 100);
        assertEquals(5, first.total());
        UUID late = publish(1, null, start.plusSeconds(10)).get(0);
        clock.now = start.plusSeconds(20);
        FramePage same = page(kitchen, SHUFFLE, 100);
        assertEquals(5, same.total(), "not in the round that was running when it came");
        assertFalse(same.photos().stream().anyMatch(p -> p.photoId().equals(late)));
        FramePage nextRound = bags.next(kitchen, SHUFFLE, first.photos().get(4).photoId(), first.round(), 100);
        assertEquals(first.round() + 1, nextRound.round());
        assertEquals(6, nextRound.total());
        assertTrue(nextRound.photos().stream().anyMatch(p -> p.photoId().equals(late)));
    }

    @Test
    void aBagStartedBeforeAnyOfItsPhotosCameMovesOnToThemAtOnce() {
        FramePage empty = page(kitchen, SHUFFLE, 100);
        assertEquals(0, empty.total());
        clock.now = clock.instant().plusSeconds(60);
        UUID first = publish(1, null, clock.instant().minusSeconds(30)).get(0);
        FramePage page = page(kitchen, SHUFFLE, 100);
        assertEquals(List.of(first), page.photos().stream().map(PhotoView::photoId).toList());
    }

    @Test
    void capturedOrderIsNewestFirstAndCycles() {
        FrameSettings captured = SHUFFLE.withOrder("captured");
        UUID older = publishOne(Instant.parse("2001-01-01T00:00:00Z"));
        UUID newer = publishOne(Instant.parse("2002-01-01T00:00:00Z"));
        FramePage page = page(kitchen, captured, 100);
        assertEquals(List.of(newer, older), page.photos().stream().map(PhotoView::photoId).toList());
        FramePage again = bags.next(kitchen, captured, older, page.round(), 100);
        assertEquals(page.round() + 1, again.round());
        assertEquals(newer, again.photos().get(0).photoId());
    }

    /**
     * Newest capture first, the photos without a date after every dated one (newest arrival first among them),
     * however recently they came; a photo dated by its file's time (the ledger's guess without EXIF, published as
     * its capture time without the camera's clock) is dated. Found in review: undated photos were dated by their
     * arrival, so in this order they came first.
     */
    @Test
    void capturedOrderPutsPhotosWithoutADateAfterEveryDatedOne() {
        FrameSettings captured = SHUFFLE.withOrder("captured");
        UUID undatedEarlier = publish(1, null, Instant.parse("2025-12-30T00:00:00Z")).get(0);
        UUID undatedLater = publish(1, null, Instant.parse("2025-12-31T00:00:00Z")).get(0);
        UUID old = publishOne(Instant.parse("1999-01-01T00:00:00Z"));
        UUID byFileTime = publishOne(Instant.parse("2010-01-01T00:00:00Z"));
        UUID recent = publishOne(Instant.parse("2025-06-01T00:00:00Z"));

        FramePage page = page(kitchen, captured, 100);

        assertEquals(List.of(recent, byFileTime, old, undatedLater, undatedEarlier),
                page.photos().stream().map(PhotoView::photoId).toList());
        FramePage rest = bags.next(kitchen, captured, old, page.round(), 100);
        assertEquals(List.of(undatedLater, undatedEarlier), rest.photos().stream().map(PhotoView::photoId).toList(),
                "the bag goes on after the oldest dated photo with the undated ones");
    }

    @Test
    void aFilterKeepsOnlyItsPhotos() {
        UUID inRange = publishOne(Instant.parse("2015-06-10T12:00:00Z"));
        publishOne(Instant.parse("2016-06-10T12:00:00Z"));
        publishOne(null);
        FrameDefinition june2015 = new FrameDefinition("june", Map.of(),
                new FrameFilter(List.of(), List.of(), LocalDate.parse("2015-06-01"), LocalDate.parse("2015-06-30"), false));
        FramePage page = page(june2015, SHUFFLE, 100);
        assertEquals(List.of(inRange), page.photos().stream().map(PhotoView::photoId).toList());
        assertEquals(1, page.total());
    }

    @Test
    void onThisDayAndSourcesAndDevices() {
        ZoneId zone = ZoneId.systemDefault();
        LocalDate today = LocalDate.now(zone);
        Instant yearsAgo = today.minusYears(3).atTime(12, 0).atZone(zone).toInstant();
        Instant yesterdayYearsAgo = today.minusYears(3).minusDays(1).atTime(12, 0).atZone(zone).toInstant();
        FrameFilter onThisDay = new FrameFilter(null, null, null, null, true);
        assertTrue(onThisDay.matches(view(yearsAgo, List.of(), List.of()), today, zone));
        assertFalse(onThisDay.matches(view(yesterdayYearsAgo, List.of(), List.of()), today, zone));
        assertFalse(onThisDay.matches(view(Instant.now(), List.of(), List.of()), today, zone), "today is not a memory");
        FrameFilter nas = new FrameFilter(List.of("nas"), List.of("phone-1"), null, null, false);
        assertTrue(nas.matches(view(null, List.of("folder:nas"), List.of("phone-1")), today, zone));
        assertFalse(nas.matches(view(null, List.of("folder:other"), List.of("phone-1")), today, zone));
        assertFalse(nas.matches(view(null, List.of("folder:nas"), List.of()), today, zone));
    }

    /**
     * A date filter judges the day the camera wrote: 23:45 on 7 December 2023 at +01:00 is December 7 on
     * a display in Tokyo, where the instant is December 8. A time no camera wrote (the file's) has only the
     * display's zone to go by.
     */
    @Test
    void aDateFilterJudgesTheDayTheCameraWrote() {
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        Instant lateEvening = Instant.parse("2023-12-07T22:45:00Z");
        Playlist one = new Playlist();
        UUID id = UUID.randomUUID();
        PhotoPublished p = published(id, lateEvening, Instant.now(), List.of(), List.of());
        one.publish(new PhotoPublished(p.eventId(), p.occurredAt(), id, p.sha256(), p.renditions(), p.width(), p.height(),
                p.capturedAt(), null, p.name(), p.arrivedAt(), p.sourceIds(), p.deviceIds(), "2023-12-07T23:45:00"));
        PhotoView cameras = one.read(photos -> photos.iterator().next());
        assertEquals("2023-12-07T23:45:00", cameras.capturedLocal());
        FrameFilter december7 = new FrameFilter(null, null, LocalDate.parse("2023-12-07"), LocalDate.parse("2023-12-07"), false);
        assertTrue(december7.matches(cameras, LocalDate.parse("2026-12-01"), tokyo));
        assertTrue(new FrameFilter(null, null, null, null, true).matches(cameras, LocalDate.parse("2026-12-07"), tokyo),
                "on this day: December 7");
        PhotoView filesTime = view(lateEvening, List.of(), List.of());
        assertEquals(null, filesTime.capturedLocal());
        assertFalse(december7.matches(filesTime, LocalDate.parse("2026-12-01"), tokyo), "December 8 in Tokyo");
    }

    /** What each frame takes now, in one pass: its count, and the names in its filter no photo answers to. */
    @Test
    void theReachOfEachFrameCountsItsPhotosAndNamesWhatNoPhotoAnswers() {
        FrameDefinition everything = FrameDefinition.empty("all");
        FrameDefinition nas = new FrameDefinition("nas", Map.of(), new FrameFilter(List.of("nas", "folder:nas", "nas2"),
                List.of("phone-1", "phone-9"), null, null, false));
        assertEquals(List.of("There is no photo to show yet."), bags.reach(List.of(everything)).get("all").notices());

        playlist.publish(published(UUID.randomUUID(), null, Instant.now(), List.of("folder:nas"), List.of("phone-1")));
        playlist.publish(published(UUID.randomUUID(), null, Instant.now(), List.of("upload:test"), List.of()));
        Map<String, FrameBags.Reach> reach = bags.reach(List.of(everything, nas));
        assertEquals(2, reach.get("all").photos());
        assertEquals(List.of(), reach.get("all").notices());
        assertEquals(new FrameBags.Reach(1, true, List.of("nas2"), List.of("phone-9")), reach.get("nas"));
        assertEquals(List.of("No photo comes from a source called \"nas2\".", "No photo comes from a device called \"phone-9\"."),
                reach.get("nas").notices());
        FrameDefinition none = new FrameDefinition("none", Map.of(), new FrameFilter(null, null, LocalDate.parse("1900-01-01"),
                LocalDate.parse("1900-01-01"), false));
        assertEquals(List.of("No photo matches the filter now, so the frame shows none."), bags.reach(List.of(none)).get("none").notices());
    }

    @Test
    void aFrameDefinitionSaysWhatIsWrong() {
        assertTrue(new FrameDefinition("a", Map.of("intervalMs", "500"), null).validate().orElseThrow().contains("1 second"));
        assertTrue(new FrameDefinition("a", Map.of("colour", "red"), null).validate().orElseThrow().contains("colour"));
        assertTrue(new FrameDefinition("a", Map.of(), new FrameFilter(null, null, LocalDate.parse("2020-02-02"),
                LocalDate.parse("2020-01-01"), false)).validate().isPresent());
        assertTrue(new FrameDefinition("a", Map.of("order", "captured", "showDate", "true"), null).validate().isEmpty());
        assertEquals("captured", new FrameDefinition("a", Map.of("order", "captured"), null).effective(SHUFFLE).order());
        assertEquals(SHUFFLE.intervalMs(), new FrameDefinition("a", Map.of("order", "captured"), null).effective(SHUFFLE).intervalMs());
    }

    private FramePage page(FrameDefinition frame, FrameSettings settings, int limit) {
        return playlist.read(photos -> bags.page(frame, settings, photos, limit));
    }

    private List<UUID> publish(int count, Instant capturedAt, Instant arrivedAt) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = UUID.randomUUID();
            playlist.publish(published(id, capturedAt, arrivedAt, List.of("upload:test"), List.of()));
            ids.add(id);
        }
        return ids;
    }

    private UUID publishOne(Instant capturedAt) {
        UUID id = UUID.randomUUID();
        playlist.publish(published(id, capturedAt, Instant.parse("2020-01-01T00:00:00Z"), List.of(), List.of()));
        return id;
    }

    private static PhotoView view(Instant capturedAt, List<String> sources, List<String> devices) {
        Playlist one = new Playlist();
        UUID id = UUID.randomUUID();
        one.publish(published(id, capturedAt, Instant.now(), sources, devices));
        return one.read(photos -> photos.iterator().next());
    }

    private static PhotoPublished published(UUID id, Instant capturedAt, Instant arrivedAt, List<String> sources,
                                            List<String> devices) {
        return new PhotoPublished(UUID.randomUUID(), Instant.now(), id, "ab".repeat(32),
                List.of(new Rendition("display", "renditions/" + id + "/display.webp", 1440, 1080, 1000)), 4032, 3024,
                capturedAt, null, "IMG_" + id + ".jpg", arrivedAt, sources, devices);
    }
}
