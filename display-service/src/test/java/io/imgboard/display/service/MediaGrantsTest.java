package io.imgboard.display.service;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaGrantsTest {
    private static final UUID PHOTO = UUID.fromString("0b8f7c1e-0000-4000-8000-000000000001");
    private static final Instant NOW = Instant.parse("2026-12-05T10:20:30Z");
    private static final Pattern GRANT = Pattern.compile(".*[?&]exp=(\\d+)&grant=([A-Za-z0-9_-]+)$");

    private static MediaGrants at(Instant now, String token) {
        return new MediaGrants(Optional.ofNullable(token), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aGrantLastsTwelveToThirteenHoursAndTheSameUrlWithinTheHour() {
        MediaGrants grants = at(NOW, "admin-token");
        String url = grants.grant("/media/" + PHOTO + "/thumb.webp?v=0123456789ab", PHOTO, "thumb");
        Matcher m = GRANT.matcher(url);
        assertTrue(m.matches(), url);
        long expires = Long.parseLong(m.group(1));
        assertEquals(Instant.parse("2026-12-05T23:00:00Z").getEpochSecond(), expires);
        assertEquals(url, at(NOW.plus(Duration.ofMinutes(30)), "admin-token")
                .grant("/media/" + PHOTO + "/thumb.webp?v=0123456789ab", PHOTO, "thumb"), "same hour, same URL");

        assertTrue(at(NOW.plus(Duration.ofHours(12)), "admin-token").admits(PHOTO, "thumb", m.group(1), m.group(2)));
        assertFalse(at(Instant.ofEpochSecond(expires), "admin-token").admits(PHOTO, "thumb", m.group(1), m.group(2)),
                "expired");
        assertFalse(at(NOW, "another-token").admits(PHOTO, "thumb", m.group(1), m.group(2)),
                "a display with another admin token made no such grant");
        assertFalse(grants.admits(PHOTO, "display", m.group(1), m.group(2)), "another rendition");
        assertFalse(grants.admits(PHOTO, "thumb", "-1", m.group(2)));
        assertFalse(grants.admits(PHOTO, "thumb", null, m.group(2)));
        assertFalse(grants.admits(PHOTO, "thumb", m.group(1), null));
    }

    @Test
    void withoutAnAdminTokenNothingIsGranted() {
        MediaGrants grants = at(NOW, null);
        String url = "/media/" + PHOTO + "/thumb.webp?v=0123456789ab";
        assertEquals(url, grants.grant(url, PHOTO, "thumb"));
        assertFalse(grants.admits(PHOTO, "thumb", "99999999999", "anything"));
    }
}
