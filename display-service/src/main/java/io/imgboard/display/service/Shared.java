package io.imgboard.display.service;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance for each of a few values that every photo repeats (its sources' ids, its renditions'
 * names): a display holds the whole library, and a million photos must not each carry their own
 * copy of {@code "folder:nas"}. Bounded: past {@code max} distinct values a value is kept as it
 * came, so a catalog of unusual values costs what it did before, not more.
 */
final class Shared<T> {
    private final ConcurrentHashMap<T, T> values = new ConcurrentHashMap<>();
    private final int max;

    Shared(int max) {
        this.max = max;
    }

    /** The instance equal to {@code value} that this holds, else {@code value} (kept while there is room). */
    T of(T value) {
        T held = values.get(value);
        if (held != null) {
            return held;
        }
        if (values.size() >= max) {
            return value;
        }
        held = values.putIfAbsent(value, value);
        return held == null ? value : held;
    }
}
