package io.imgboard.events;

import java.util.Optional;

/**
 * {@code IMGBOARD_KAFKA_SESSION_TIMEOUT_MS}: how long the broker keeps a consumer that stopped sending heartbeats
 * in its group (every service's {@code session.timeout.ms}). The broker refuses a member whose timeout lies outside
 * its {@code group.min.session.timeout.ms} and {@code group.max.session.timeout.ms} (Kafka's defaults, which
 * {@code ./imgboard up}'s broker, compose and Kubernetes keep): such a service reported ready and never joined its
 * group. Here, and not in one service, because every service and the launcher must answer alike.
 */
public final class SessionTimeout {
    public static final String VARIABLE = "IMGBOARD_KAFKA_SESSION_TIMEOUT_MS";
    public static final String PROPERTY = "imgboard.kafka.session-timeout-ms";
    /** Kafka's {@code group.min.session.timeout.ms}. */
    public static final long MIN_MS = 6_000;
    /** Kafka's {@code group.max.session.timeout.ms}. */
    public static final long MAX_MS = 1_800_000;

    private SessionTimeout() {
    }

    /** What is wrong with {@code value} (null: not set), in one line naming the variable; empty when the broker takes it. */
    public static Optional<String> problem(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String range = " (" + PROPERTY + "): give milliseconds from " + MIN_MS + " to " + MAX_MS
                + ", the range the Kafka broker accepts (group.min/max.session.timeout.ms)";
        long ms;
        try {
            ms = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return Optional.of(VARIABLE + "=" + value + " is not a number of milliseconds" + range);
        }
        if (ms < MIN_MS || ms > MAX_MS) {
            return Optional.of(VARIABLE + "=" + value + " is outside the broker's range" + range);
        }
        return Optional.empty();
    }
}
