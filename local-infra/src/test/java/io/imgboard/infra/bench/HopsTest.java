package io.imgboard.infra.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline bench reads the preprocessor's timeline lines as the preprocessor's log format writes them. */
class HopsTest {
    private static final Path SHARED_PROPERTIES =
            Path.of("../telemetry/src/main/resources/META-INF/microprofile-config.properties");

    @Test
    void readsATimelineLineWrittenInThePreprocessorsLogFormat() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(SHARED_PROPERTIES)) {
            properties.load(reader);
        }
        String format = properties.getProperty("quarkus.log.console.format");
        assertNotNull(format, "no quarkus.log.console.format in " + SHARED_PROPERTIES);
        String photoId = "3f2b8c1e-7d4a-4e6b-9c0d-2a1b3c4d5e6f";
        String message = "timeline received=2026-12-07T20:41:03.120Z downloaded=+3 resized=+160 turn=+4"
                + " display=+161..+290 thumb=+290..+305 stored=+760 ms";
        // As a worker thread handling a traced record writes it: both MDC fields set.
        String line = format.replaceAll("%d\\{[^}]*}", "2026-12-07 20:41:03,880")
                .replace("%-5p", "INFO ")
                .replaceAll("%c\\{[^}]*}", "i.i.p.s.PhotoPreprocessor")
                .replace("%t", "imaging-1")
                .replace("%X{traceId}", "4bf92f3577b34da6a3ce929d0e0e4736")
                .replace("%X{photoId}", photoId)
                .replace("%s", message)
                .replace("%e", "")
                .replace("%n", "");
        assertFalse(line.contains("%"), "a conversion this test does not render; add it: " + line);

        Matcher timeline = Hops.TIMELINE.matcher(line);
        assertTrue(timeline.find(), "the bench does not find the timeline in: " + line);
        assertEquals(photoId, timeline.group(1));
        assertEquals("2026-12-07T20:41:03.120Z", timeline.group(2));
        assertEquals("3", timeline.group(3));
        assertEquals("160", timeline.group(4));
        assertEquals("760", timeline.group(6));
    }
}
