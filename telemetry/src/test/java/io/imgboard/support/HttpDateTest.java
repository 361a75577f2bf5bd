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
}
