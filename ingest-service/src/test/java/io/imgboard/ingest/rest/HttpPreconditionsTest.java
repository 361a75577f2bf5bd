package io.imgboard.ingest.rest;

import io.imgboard.ingest.rest.HttpPreconditions.Conditions;
import io.imgboard.ingest.rest.HttpPreconditions.Failed;
import io.imgboard.ingest.rest.HttpPreconditions.State;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9110 §13's conditions as {@link HttpPreconditions} asks them, one header at a time and in their order. */
class HttpPreconditionsTest {
    private static final String TAG = "\"5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03\"";
    /** Modified at a moment with a fraction of a second, as the database keeps it; Last-Modified drops the fraction. */
    private static final Instant MODIFIED = Instant.parse("2026-12-05T01:00:21.734Z");
    private static final State FILE = new State(true, TAG, MODIFIED);
    private static final State COLLECTION = new State(true, null, MODIFIED);

    private static Conditions ifMatch(String value) {
        return new Conditions(value, null, null, null);
    }

    private static Conditions ifNoneMatch(String value) {
        return new Conditions(null, value, null, null);
    }

    private static Conditions ifUnmodifiedSince(String value) {
        return new Conditions(null, null, null, value);
    }

    private static Conditions ifModifiedSince(String value) {
        return new Conditions(null, null, value, null);
    }

    @Test
    void ifMatchHoldsForTheResourcesOwnTagAmongOthersOrStarWhenItExists() {
        assertNull(HttpPreconditions.evaluate(ifMatch(TAG), FILE, false));
        assertNull(HttpPreconditions.evaluate(ifMatch("\"deadbeef\", " + TAG), FILE, false));
        assertNull(HttpPreconditions.evaluate(ifMatch("*"), FILE, false));
        assertNull(HttpPreconditions.evaluate(ifMatch("*"), COLLECTION, false), "a collection exists, without a tag");

        Failed other = HttpPreconditions.evaluate(ifMatch("\"deadbeef\""), FILE, false);
        assertEquals(412, other.status());
        assertEquals("If-Match: the resource's entity tag is " + TAG + ", not one of those given", other.reason());
        assertEquals(412, HttpPreconditions.evaluate(ifMatch("W/" + TAG), FILE, false).status(), "If-Match compares strongly");
        assertTrue(HttpPreconditions.evaluate(ifMatch("W/" + TAG), FILE, false).reason().contains("weak"));
        assertEquals(412, HttpPreconditions.evaluate(ifMatch(TAG.replace("\"", "")), FILE, false).status(),
                "an unquoted tag is no entity tag");
        assertEquals(412, HttpPreconditions.evaluate(ifMatch("*"), State.NOTHING, false).status());
        assertEquals(412, HttpPreconditions.evaluate(ifMatch(TAG), State.NOTHING, false).status());
        assertEquals(412, HttpPreconditions.evaluate(ifMatch(TAG), COLLECTION, false).status());
        assertEquals(412, HttpPreconditions.evaluate(ifMatch("\"deadbeef\""), FILE, true).status(), "on a GET too");
    }

    @Test
    void ifNoneMatchFailsForTheResourcesTagWeaklyOrStarWhenItExists() {
        assertEquals(412, HttpPreconditions.evaluate(ifNoneMatch("*"), FILE, false).status());
        assertEquals(412, HttpPreconditions.evaluate(ifNoneMatch("*"), COLLECTION, false).status());
        assertEquals(412, HttpPreconditions.evaluate(ifNoneMatch("\"x\", " + TAG), FILE, false).status());
        assertEquals(412, HttpPreconditions.evaluate(ifNoneMatch("W/" + TAG), FILE, false).status(), "compared weakly");
        assertEquals(304, HttpPreconditions.evaluate(ifNoneMatch(TAG), FILE, true).status(), "a GET's is Not Modified");
        assertEquals(304, HttpPreconditions.evaluate(ifNoneMatch("*"), FILE, true).status());
        assertEquals("If-None-Match: * asks that nothing be at this path, and something is",
                HttpPreconditions.evaluate(ifNoneMatch("*"), FILE, false).reason());

        assertNull(HttpPreconditions.evaluate(ifNoneMatch("*"), State.NOTHING, false));
        assertNull(HttpPreconditions.evaluate(ifNoneMatch("\"deadbeef\""), FILE, false));
        assertNull(HttpPreconditions.evaluate(ifNoneMatch(TAG), COLLECTION, false));
    }

    @Test
    void ifUnmodifiedSinceFailsForALaterModificationAndIsIgnoredWhenMalformedOrAfterIfMatch() {
        Failed before = HttpPreconditions.evaluate(ifUnmodifiedSince("Sat, 01 Jan 2000 00:00:00 GMT"), FILE, false);
        assertEquals(412, before.status());
        assertEquals("If-Unmodified-Since: the resource was last modified Sat, 05 Dec 2026 01:00:21 GMT, "
                + "after Sat, 01 Jan 2000 00:00:00 GMT", before.reason());
        assertEquals(412, HttpPreconditions.evaluate(ifUnmodifiedSince("Sat, 05 Dec 2026 01:00:20 GMT"), COLLECTION, false)
                .status(), "a collection has a modification time");
        assertNull(HttpPreconditions.evaluate(ifUnmodifiedSince("Sat, 05 Dec 2026 01:00:21 GMT"), FILE, false),
                "the second Last-Modified shows");
        assertNull(HttpPreconditions.evaluate(ifUnmodifiedSince("Fri, 01 Jan 2100 00:00:00 GMT"), FILE, false));
        assertNull(HttpPreconditions.evaluate(ifUnmodifiedSince("yesterday"), FILE, false), "a malformed date is ignored");
        assertNull(HttpPreconditions.evaluate(ifUnmodifiedSince("Sat, 01 Jan 2000 00:00:00 GMT"), State.NOTHING, false));
        assertNull(HttpPreconditions.evaluate(new Conditions(TAG, null, null, "Sat, 01 Jan 2000 00:00:00 GMT"), FILE, false),
                "If-Unmodified-Since is not asked when If-Match is sent");
    }

    @Test
    void ifMatchIsAskedFirstThenIfNoneMatch() {
        Failed both = HttpPreconditions.evaluate(new Conditions("\"deadbeef\"", TAG, null, null), FILE, false);
        assertTrue(both.reason().startsWith("If-Match:"), both.reason());
        Failed second = HttpPreconditions.evaluate(new Conditions(TAG, "*", null, "Sat, 01 Jan 2000 00:00:00 GMT"), FILE, false);
        assertTrue(second.reason().startsWith("If-None-Match:"), second.reason());
    }

    @Test
    void ifModifiedSinceIsAskedOnlyOfAReadWithoutIfNoneMatch() {
        String after = "Sat, 05 Dec 2026 01:00:21 GMT";
        assertEquals(304, HttpPreconditions.evaluate(ifModifiedSince(after), FILE, true).status());
        assertNull(HttpPreconditions.evaluate(ifModifiedSince("Sat, 05 Dec 2026 01:00:20 GMT"), FILE, true));
        assertNull(HttpPreconditions.evaluate(ifModifiedSince(after), FILE, false), "not asked of a PUT");
        assertNull(HttpPreconditions.evaluate(new Conditions(null, "\"deadbeef\"", after, null), FILE, true),
                "If-None-Match decides when both are sent");
        assertNull(HttpPreconditions.evaluate(ifModifiedSince("not a date"), FILE, true));
    }
}
