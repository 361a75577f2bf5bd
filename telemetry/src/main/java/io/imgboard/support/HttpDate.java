package io.imgboard.support;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;

/**
 * HTTP's date, as {@code Last-Modified} and WebDAV's {@code getlastmodified} carry it: the IMF-fixdate of
 * RFC 9110 (5.6.7), {@code Sat, 05 Dec 2026 01:00:21 GMT}, always two digits for the day. Java's
 * {@code RFC_1123_DATE_TIME} writes {@code Sat, 5 Dec 2026}, which RFC 1123 allows and HTTP does not.
 */
public final class HttpDate {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** IMF-fixdate, and RFC 1123 dates with a one-digit day, which some clients still send. */
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;
    /** The obsolete RFC 850 form ({@code Saturday, 01-Jan-00 00:00:00 GMT}), which the RFC has recipients accept. */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** C's asctime ({@code Sat Jan  1 00:00:00 2000}), the third form recipients accept. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private HttpDate() {
    }

    public static String format(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }

    /** A date a request sends, in any of HTTP's three forms, or null for one that is none: the RFC has such a header ignored. */
    public static Instant parse(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        for (DateTimeFormatter form : List.of(RFC_1123, RFC_850, ASCTIME)) {
            try {
                return form.parse(v, Instant::from);
            } catch (DateTimeParseException e) {
                // the next form
            }
        }
        return null;
    }
}
