package io.imgboard.display.service;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Settings read back from the settings topic. */
class FrameSettingsTest {
    /**
     * A reshuffle interval kept before its one-year limit was checked is read as one year, and the other settings of
     * that record hold: one value past a limit added later must not send every frame back to the defaults.
     */
    @Test
    void aReshuffleIntervalKeptBeyondTheLimitIsReadAsTheLongestAndTheRestHolds() {
        FrameSettings read = FrameSettings.fromValues(Map.of("intervalMs", "7500", "reshuffleIntervalMs",
                Long.toString(Long.MAX_VALUE), "showDate", "true"));
        assertEquals(FrameSettings.MAX_RESHUFFLE_INTERVAL_MS, read.reshuffleIntervalMs());
        assertEquals(7500, read.intervalMs());
        assertEquals(true, read.showDate());
        assertEquals(FrameSettings.DEFAULTS, FrameSettings.fromValues(Map.of("intervalMs", "10")), "a value no frame can use: the defaults");
    }
}
