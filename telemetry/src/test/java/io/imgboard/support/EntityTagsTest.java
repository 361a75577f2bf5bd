package io.imgboard.support;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntityTagsTest {
    private static final String ETAG = "\"0a1b2c\"";

    @Test
    void aListIsReadTagByTagAndWhatIsNoTagIsLeftOut() {
        assertEquals(List.of("\"a\"", "W/\"b\"", "\"c,d\""), EntityTags.tags(" \"a\",W/\"b\" , junk, \"c,d\", \"cut"));
        assertEquals(List.of(), EntityTags.tags(null));
    }

    @Test
    void ifNoneMatchMatchesTheSameTagWeakOrStrongInAList() {
        assertTrue(EntityTags.noneMatchFails("\"0a1b2c\"", ETAG));
        assertTrue(EntityTags.noneMatchFails("W/\"0a1b2c\"", ETAG));
        assertTrue(EntityTags.noneMatchFails("\"x\", \"0a1b2c\"", ETAG));
        assertTrue(EntityTags.noneMatchFails("\"x,y\", \"0a1b2c\"", ETAG), "a comma inside a tag is the tag's");
        assertTrue(EntityTags.noneMatchFails("*", ETAG));
        assertFalse(EntityTags.noneMatchFails(null, ETAG));
        assertFalse(EntityTags.noneMatchFails("\"0a1b2\"", ETAG));
        assertFalse(EntityTags.noneMatchFails("0a1b2c", ETAG));
        assertFalse(EntityTags.noneMatchFails("", ETAG));
        assertFalse(EntityTags.noneMatchFails("\"0a1b2c\"", null));
    }

    @Test
    void strongComparisonTakesNoWeakTag() {
        assertTrue(EntityTags.strongMatch("\"0a1b2c\"", ETAG));
        assertTrue(EntityTags.strongMatch(" \"0a1b2c\" ", ETAG));
        assertFalse(EntityTags.strongMatch("W/\"0a1b2c\"", ETAG));
        assertFalse(EntityTags.strongMatch("\"0a1b2c\"", "W/" + ETAG));
        assertFalse(EntityTags.strongMatch("\"0A1B2C\"", ETAG));
        assertFalse(EntityTags.strongMatch("*", ETAG));
        assertFalse(EntityTags.strongMatch(null, ETAG));
        assertFalse(EntityTags.strongMatch(ETAG, null));
        assertTrue(EntityTags.weakMatch("W/\"0a1b2c\"", ETAG));
    }
}
