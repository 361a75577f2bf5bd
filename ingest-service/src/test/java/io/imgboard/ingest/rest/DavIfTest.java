package io.imgboard.ingest.rest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DavIfTest {

    @Test
    void readsTaggedAndUntaggedListsWithNegations() throws Exception {
        DavIf h = DavIf.parse("<http://h/dav/a> (<opaquelocktoken:1> [\"e1\"]) (Not <DAV:no-lock> [\"e1\"])");
        assertEquals(2, h.lists().size());
        assertEquals("http://h/dav/a", h.lists().get(1).resource());
        DavIf.Condition not = h.lists().get(1).conditions().get(0);
        assertTrue(not.not());
        assertEquals("DAV:no-lock", not.token());
        assertEquals("\"e1\"", h.lists().get(0).conditions().get(1).etag());
        assertEquals(List.of("opaquelocktoken:1"), h.submittedTokens(), "a negated token is not a submitted one");
        assertNull(DavIf.parse("(<opaquelocktoken:2>)").lists().get(0).resource());
    }

    @Test
    void aCutOffLastListMatchesNoEntityTag() throws Exception {
        DavIf h = DavIf.parse("(<opaquelocktoken:1> [\"abc\"]) (Not <DAV:no-lock> [\"ab");
        assertEquals(2, h.lists().size());
        assertTrue(h.lists().get(1).conditions().get(1).etag().endsWith("(cut off)"));
    }

    @Test
    void refusesWhatIsNotAnIfHeader() {
        assertThrows(DavIf.Malformed.class, () -> DavIf.parse("opaquelocktoken:1"));
        assertThrows(DavIf.Malformed.class, () -> DavIf.parse("()"));
        assertThrows(DavIf.Malformed.class, () -> DavIf.parse("(<opaquelocktoken:1> junk)"));
    }

    /** X-OC-Mtime in seconds, as Nextcloud takes it: a fraction some clients send is dropped, not refused. */
    @org.junit.jupiter.api.Test
    void aFileTimeIsSecondsAFractionDropped() {
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Instant.ofEpochSecond(1700000000), DavResource.fileTime("1700000000"));
        org.junit.jupiter.api.Assertions.assertEquals(java.time.Instant.ofEpochSecond(1700000000), DavResource.fileTime(" 1700000000.923 "));
        org.junit.jupiter.api.Assertions.assertNull(DavResource.fileTime(null));
        for (String bad : java.util.List.of("soon", "1e9", "1700000000.", "99999999999999", "1.2.3", "")) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> DavResource.fileTime(bad), bad);
        }
    }
}
