package io.imgboard.support;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HttpDateTest {
    @Test
    void theDayHasTwoDigitsAndTheZoneIsGmt() {
        assertEquals("Sat, 05 Dec 2026 01:00:21 GMT", HttpDate.format(Instant.parse("2026-12-05T01:00:21.987Z")));
        assertEquals("Sun, 06 Nov 1994 08:49:37 GMT", HttpDate.format(Instant.parse("1994-11-06T08:49:37Z")), "RFC 9110's own example");
    }

    @Test
    void aRequestsDateIsReadInAnyOfItsThreeForms() {
        Instant y2k = Instant.parse("2000-01-01T00:00:00Z");
        assertEquals(y2k, HttpDate.parse("Sat, 01 Jan 2000 00:00:00 GMT"));
        assertEquals(y2k, HttpDate.parse("Saturday, 01-Jan-00 00:00:00 GMT"));
        assertEquals(y2k, HttpDate.parse("Sat Jan  1 00:00:00 2000"));
        org.junit.jupiter.api.Assertions.assertNull(HttpDate.parse("2000-01-01T00:00:00Z"));
        org.junit.jupiter.api.Assertions.assertNull(HttpDate.parse(null));
    }
}
