package io.imgboard.ingest.export;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RetryPolicyTest {
    private final RetryPolicy retry = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(4));

    @Test
    void aPassingFailureIsTriedAgainUntilItSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        String result = retry.run("test", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("S3 down");
            }
            return "written";
        });
        assertEquals("written", result);
        assertEquals(3, calls.get());
    }

    @Test
    void aRefusalIsNotTriedAgain() {
        AtomicInteger calls = new AtomicInteger();
        assertThrows(ExportRefused.class, () -> retry.run("test", () -> {
            calls.incrementAndGet();
            throw new ExportRefused("outside every allowed root");
        }));
        assertEquals(1, calls.get());
    }

    @Test
    void itGivesUpAfterTheLastAttemptWithTheLastFailure() {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy.GaveUp gaveUp = assertThrows(RetryPolicy.GaveUp.class, () -> retry.run("test", () -> {
            throw new IllegalStateException("disk full " + calls.incrementAndGet());
        }));
        assertEquals(4, calls.get());
        assertEquals(4, gaveUp.attempts);
        assertEquals("disk full 4", gaveUp.getMessage());
    }

    @Test
    void pausesDoubleUpToTheMaximum() {
        assertEquals(Duration.ofMillis(1), retry.pauseAfter(1));
        assertEquals(Duration.ofMillis(2), retry.pauseAfter(2));
        assertEquals(Duration.ofMillis(4), retry.pauseAfter(3));
        assertEquals(Duration.ofMillis(4), retry.pauseAfter(10));
    }

    @Test
    void aStoppedServiceStartsNoFurtherAttempt() {
        AtomicInteger calls = new AtomicInteger();
        RetryPolicy slow = new RetryPolicy(5, Duration.ofMinutes(1), Duration.ofMinutes(1));
        slow.stop();
        assertThrows(RetryPolicy.GaveUp.class, () -> slow.run("test", () -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        }));
        assertEquals(1, calls.get());
    }

    @Test
    void nonsenseSettingsAreRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
