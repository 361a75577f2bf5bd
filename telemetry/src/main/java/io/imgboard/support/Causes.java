package io.imgboard.support;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The one walk through what a failure carries: its causes and its suppressed exceptions, all the way
 * down (a failed commit hides the database's error among the latter), each looked at once even where
 * they form a loop. The libraries' walks (commons-lang3's, Guava's) follow causes only.
 */
public final class Causes {
    private Causes() {
    }

    /** Whether {@code failure} or anything it carries is {@code what}. */
    public static boolean any(Throwable failure, Predicate<Throwable> what) {
        return any(failure, what, 0, new IdentityHashMap<>());
    }

    private static boolean any(Throwable t, Predicate<Throwable> what, int depth, Map<Throwable, Boolean> seen) {
        if (t == null || depth > 20 || seen.put(t, Boolean.TRUE) != null) {
            return false;
        }
        if (what.test(t)) {
            return true;
        }
        for (Throwable suppressed : t.getSuppressed()) {
            if (any(suppressed, what, depth + 1, seen)) {
                return true;
            }
        }
        return any(t.getCause(), what, depth + 1, seen);
    }
}
