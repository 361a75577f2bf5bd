package io.imgboard.ingest.service;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SourceSettingsTest {

    /** An unclosed brace: said in the glob's own terms, not with the regular expression the JDK made of it. */
    @Test
    void aBrokenGlobIsExplainedWithTheGlobAlone() {
        SourceSettings broken = new SourceSettings("nas", "/srv/photos", null, List.of("*.{jpg"), null, null, null, null,
                null, null);
        assertEquals(List.of("invalid glob \"*.{jpg\": Missing }; globs look like *.jpg, **/@eaDir/** "
                + "or *.{jpg,JPG}"), broken.withDefaults().problems());
        SourceSettings bracket = new SourceSettings("nas", "/srv/photos", null, null, List.of("[a-z.jpg"), null, null,
                null, null, null);
        assertEquals(List.of("invalid glob \"[a-z.jpg\": Missing ]; globs look like *.jpg, **/@eaDir/** "
                + "or *.{jpg,JPG}"), bracket.withDefaults().problems());
        SourceSettings fine = new SourceSettings("nas", "/srv/photos", null, List.of("*.{jpg,JPG}"), null, null, null,
                null, null, null);
        assertEquals(List.of(), fine.withDefaults().problems());
    }
}
