package io.imgboard.support;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WarmUpTest {

    @Test
    void runsEveryStepInOrder() {
        List<String> ran = new ArrayList<>();
        boolean all = WarmUp.of("test").step("a", () -> ran.add("a")).step("b", () -> ran.add("b")).run();
        assertTrue(all);
        assertEquals(List.of("a", "b"), ran);
    }

    @Test
    void aFailingStepIsReportedAndTheOthersStillRun() {
        List<String> ran = new ArrayList<>();
        boolean all = WarmUp.of("test")
                .step("broker", () -> {
                    throw new IOException("nobody listens");
                })
                .step("class", () -> {
                    throw new NoClassDefFoundError("gone");
                })
                .step("json", () -> ran.add("json"))
                .run();
        assertFalse(all, "a warm-up with a failed step says so");
        assertEquals(List.of("json"), ran);
    }
}
