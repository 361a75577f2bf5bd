package io.imgboard.display.rest;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntityTagsTest {
    private static final String ETAG = "\"0a1b2c\"";

    @Test
    void matchesTheSameTagWeakOrStrongInAList() {
        assertTrue(EntityTags.noneMatchFails("\"0a1b2c\"", ETAG));
        assertTrue(EntityTags.noneMatchFails("W/\"0a1b2c\"", ETAG));
        assertTrue(EntityTags.noneMatchFails("\"x\", \"0a1b2c\"", ETAG));
        assertTrue(EntityTags.noneMatchFails("*", ETAG));
    }

    @Test
    void otherTagsAndNoHeaderDoNotMatch() {
        assertFalse(EntityTags.noneMatchFails(null, ETAG));
        assertFalse(EntityTags.noneMatchFails("\"0a1b2\"", ETAG));
        assertFalse(EntityTags.noneMatchFails("0a1b2c", ETAG));
        assertFalse(EntityTags.noneMatchFails("", ETAG));
        assertFalse(EntityTags.noneMatchFails("\"0a1b2c\"", null));
    }

    @Test
    void ifRangeComparesStronglyOnly() {
        assertTrue(EntityTags.strongMatch("\"0a1b2c\"", ETAG));
        assertTrue(EntityTags.strongMatch(" \"0a1b2c\" ", ETAG));
        assertFalse(EntityTags.strongMatch("W/\"0a1b2c\"", ETAG));
        assertFalse(EntityTags.strongMatch("\"0a1b2c\"", "W/" + ETAG));
        assertFalse(EntityTags.strongMatch("\"0A1B2C\"", ETAG));
        assertFalse(EntityTags.strongMatch("*", ETAG));
        assertFalse(EntityTags.strongMatch(null, ETAG));
        assertFalse(EntityTags.strongMatch(ETAG, null));
    }
}
