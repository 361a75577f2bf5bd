package io.imgboard.ledger.service;

import org.jboss.logging.MDC;

import java.util.UUID;

/** The photo a log line is about, as the MDC key {@code photoId} (conventions: logs and operations). */
public final class PhotoMdc {
    public static final String KEY = "photoId";

    private PhotoMdc() {
    }

    public static void set(UUID photoId) {
        MDC.put(KEY, photoId.toString());
    }

    public static void clear() {
        MDC.remove(KEY);
    }
}
