package io.imgboard.ledger.messaging;

import io.imgboard.ledger.service.InvalidEventException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The consumers' retry loop: temporary failures are tried again, a broken contract is not, shutdown ends it. */
class RetryTest {

    @Test
    void aFailingAttemptIsTriedAgainUntilItSucceeds() {
        AtomicInteger failures = new AtomicInteger();
        Retry retry = new Retry(Duration.ofMillis(5), Duration.ofMillis(20), failure -> failures.incrementAndGet());
        List<Long> startedAt = new ArrayList<>();

        Retry.Outcome outcome = retry.untilDone("test event", () -> {
            startedAt.add(System.nanoTime());
            if (startedAt.size() < 4) {
                throw new IllegalStateException("connection refused");
            }
        });

        assertEquals(Retry.Outcome.DONE, outcome);
        assertEquals(4, startedAt.size());
        assertEquals(3, failures.get());
        for (int i = 1; i < startedAt.size(); i++) {
            long pausedMillis = (startedAt.get(i) - startedAt.get(i - 1)) / 1_000_000;
            assertTrue(pausedMillis >= retry.pauseAfter(i).toMillis(), "paused " + pausedMillis + " ms after failure " + i);
        }
    }

    @Test
    void thePauseDoublesUpToTheMaximum() {
        Retry retry = new Retry(Duration.ofMillis(200), Duration.ofSeconds(30), failure -> { });
        assertEquals(Duration.ofMillis(200), retry.pauseAfter(1));
        assertEquals(Duration.ofMillis(400), retry.pauseAfter(2));
        assertEquals(Duration.ofMillis(800), retry.pauseAfter(3));
        assertEquals(Duration.ofMillis(25_600), retry.pauseAfter(8));
        assertEquals(Duration.ofSeconds(30), retry.pauseAfter(9));
        assertEquals(Duration.ofSeconds(30), retry.pauseAfter(10_000));
    }

    @Test
    void aBrokenContractIsNotTriedAgain() {
        AtomicInteger attempts = new AtomicInteger();
        Retry retry = new Retry(Duration.ofMillis(5), Duration.ofMillis(20), failure -> { });
        InvalidEventException invalid = new InvalidEventException("FileArrived with a malformed sha256");

        // as the transaction wrapper may hand it on: wrapped
        InvalidEventException thrown = assertThrows(InvalidEventException.class, () -> retry.untilDone("test event", () -> {
            attempts.incrementAndGet();
            throw new RuntimeException("transaction rolled back", invalid);
        }));

        assertSame(invalid, thrown);
        assertEquals(1, attempts.get());
    }

    @Test
    void stoppingEndsThePauseAtOnceAndStartsNoFurtherAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        Retry retry = new Retry(Duration.ofHours(1), Duration.ofHours(1), failure -> { });
        CompletableFuture<Retry.Outcome> outcome = CompletableFuture.supplyAsync(() -> retry.untilDone("test event", () -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("database down");
        }));
        await().atMost(Duration.ofSeconds(10)).until(() -> attempts.get() == 1);

        retry.stop();

        await().atMost(Duration.ofSeconds(5)).until(outcome::isDone);
        assertEquals(Retry.Outcome.STOPPED, outcome.join());
        assertEquals(1, attempts.get());
        assertEquals(Retry.Outcome.STOPPED, retry.untilDone("next event", attempts::incrementAndGet),
                "nothing more is applied once stopping");
        assertEquals(1, attempts.get());
    }

    @Test
    void aFailureThatIsNotADatabaseOutageIsGivenUpAfterMaxAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        Retry retry = new Retry(Duration.ofMillis(1), Duration.ofMillis(2), 5, failure -> { });
        Retry.GaveUpException gaveUp = assertThrows(Retry.GaveUpException.class, () -> retry.untilDone("test event", () -> {
            attempts.incrementAndGet();
            throw new NullPointerException("renditions[0] is null");
        }));
        assertEquals(5, attempts.get());
        assertTrue(gaveUp.getMessage().contains("renditions[0] is null"), gaveUp.getMessage());
    }

    @Test
    void aDatabaseOutageIsTriedBeyondMaxAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        Retry retry = new Retry(Duration.ofMillis(1), Duration.ofMillis(2), 2, failure -> { });
        Retry.Outcome outcome = retry.untilDone("test event", () -> {
            if (attempts.incrementAndGet() < 6) {
                throw new IllegalStateException("commit failed",
                        new java.sql.SQLException("the database system is shutting down", "57P03"));
            }
        });
        assertEquals(Retry.Outcome.DONE, outcome);
        assertEquals(6, attempts.get());
        assertTrue(Retry.temporary(new java.sql.SQLException("connection refused", "08001")));
        assertTrue(!Retry.temporary(new java.sql.SQLException("invalid byte sequence", "22021")));
    }
}
