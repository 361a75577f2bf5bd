package io.imgboard.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HTTP's date, as {@code Last-Modified} and WebDAV's {@code getlastmodified} carry it: the IMF-fixdate of
 * RFC 9110 (5.6.7), {@code Sat, 05 Dec 2026 01:00:21 GMT}, always two digits for the day. Java's
 * {@code RFC_1123_DATE_TIME} writes {@code Sat, 5 Dec 2026}, which RFC 1123 allows and HTTP does not.
 */
public final class HttpDate {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private HttpDate() {
    }

    public static String format(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }
}
