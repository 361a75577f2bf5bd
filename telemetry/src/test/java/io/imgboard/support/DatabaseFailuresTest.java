package io.imgboard.support;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What counts as the database being away (PostgreSQL's SQLSTATEs), however deep it is wrapped. */
class DatabaseFailuresTest {
    @Test
    void aRefusedOrLostConnectionOrAStoppingServerIsTheDatabaseAway() {
        assertTrue(DatabaseFailures.unavailable(new IllegalStateException("cannot read sources",
                new RuntimeException(new SQLException("Connection to 127.0.0.1:5432 refused", "08001")))));
        assertTrue(DatabaseFailures.unavailable(new SQLException("terminating connection due to administrator command", "57P01")));
        assertTrue(DatabaseFailures.unavailable(new SQLTransientConnectionException("Acquisition timeout")));
        RuntimeException commit = new RuntimeException("commit failed");
        commit.addSuppressed(new SQLException("the database system is shutting down", "57P03"));
        assertTrue(DatabaseFailures.unavailable(commit), "found among the suppressed");
    }

    @Test
    void aMistakeInTheRequestOrTheDataIsNot() {
        assertFalse(DatabaseFailures.unavailable(new SQLException("duplicate key value", "23505")));
        assertFalse(DatabaseFailures.unavailable(new SQLException("syntax error", "42601")));
        assertFalse(DatabaseFailures.unavailable(new IllegalArgumentException("no such source")));
        RuntimeException loop = new RuntimeException("a cause chain that loops");
        loop.initCause(new RuntimeException(loop));
        assertFalse(DatabaseFailures.unavailable(loop));
    }

    @Test
    void theLogLineNamesTheInnermostFailure() {
        assertEquals("SQLException: Connection refused", DatabaseFailures.describe(
                new IllegalStateException("outer", new SQLException("Connection refused", "08001"))));
    }
}
