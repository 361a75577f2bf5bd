package io.imgboard.support;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Whether a failure is the database being away rather than anything about the request: the
 * connection refused or lost, the pool timing out, the server shutting down or out of resources
 * (SQLSTATE classes 08, 53, 57 and 58), or a driver error without a state, anywhere in what the
 * failure carries ({@link Causes}).
 * Such a failure is answered 503, "try again later", and logged in one line: it says nothing new
 * each time, and the service recovers on its own once PostgreSQL is back.
 */
public final class DatabaseFailures {
    /** The answer's text for a request that met an unavailable database. */
    public static final String UNAVAILABLE = "the database is unavailable, retry later";

    private DatabaseFailures() {
    }

    public static boolean unavailable(Throwable failure) {
        return Causes.any(failure, t -> {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                return state == null || state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                        || state.startsWith("58");
            }
            return false;
        });
    }

    /** The failure in one line for the log: its innermost message, which names what was refused. */
    public static String describe(Throwable failure) {
        Throwable root = failure;
        for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 20; depth++) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
