package io.imgboard.ingest.rest;

import io.imgboard.support.HttpDate;
import jakarta.ws.rs.core.HttpHeaders;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP's own conditional headers (RFC 9110 §13) on a WebDAV resource: {@code If-Match},
 * {@code If-Unmodified-Since}, {@code If-None-Match} and, on a GET or HEAD, {@code If-Modified-Since}, asked in
 * the order of §13.2.2. {@link DavResource} asks them where it asks WebDAV's {@code If:} header, of the same
 * state, so one place decides a request's preconditions.
 *
 * <p>Hand-written, not {@code Request.evaluatePreconditions}: RESTEasy Reactive's compares If-None-Match
 * strongly (a client's {@code W/"…"} never matches), throws on a malformed date where the RFC says to ignore
 * the header, asks If-Modified-Since of a PUT, has no way to say a collection exists without an entity tag,
 * and answers a bare status where a client is told which condition failed and why.
 */
final class HttpPreconditions {
    /** IMF-fixdate, and RFC 1123 dates with a one-digit day, which some clients still send. */
    private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;
    /** The obsolete RFC 850 form ({@code Saturday, 01-Jan-00 00:00:00 GMT}), which the RFC has recipients accept. */
    private static final DateTimeFormatter RFC_850 = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("EEEE, dd-MMM-").appendValueReduced(ChronoField.YEAR, 2, 2, 1970)
            .appendPattern(" HH:mm:ss 'GMT'").toFormatter(Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** C's asctime ({@code Sat Jan  1 00:00:00 2000}), the third form recipients accept. */
    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private HttpPreconditions() {
    }

    /** The conditional headers of a request, as sent (null for a header not sent). */
    record Conditions(String ifMatch, String ifNoneMatch, String ifModifiedSince, String ifUnmodifiedSince) {
        static Conditions of(HttpHeaders headers) {
            return new Conditions(headers.getHeaderString("If-Match"), headers.getHeaderString("If-None-Match"),
                    headers.getHeaderString("If-Modified-Since"), headers.getHeaderString("If-Unmodified-Since"));
        }
    }

    /**
     * The resource the conditions are asked of, as it is now.
     *
     * @param exists       whether anything is at the path
     * @param etag         its entity tag as GET and PROPFIND send it, quotes included; null when it has none (a
     *                     collection, or nothing at the path)
     * @param lastModified its modification time, null when nothing is at the path
     */
    record State(boolean exists, String etag, Instant lastModified) {
        static final State NOTHING = new State(false, null, null);
    }

    /** A condition that does not hold: the status to answer (412, or 304 for a GET or HEAD) and why, in words. */
    record Failed(int status, String reason) {
    }

    /**
     * @param read whether the request is a GET or HEAD: only then is If-Modified-Since asked, and a false
     *             If-None-Match or If-Modified-Since is 304 rather than 412
     * @return null when every condition holds
     */
    static Failed evaluate(Conditions conditions, State state, boolean read) {
        if (conditions.ifMatch() != null) {
            Failed failed = ifMatch(conditions.ifMatch().strip(), state);
            if (failed != null) {
                return failed;
            }
        } else if (conditions.ifUnmodifiedSince() != null && state.lastModified() != null) {
            Instant since = date(conditions.ifUnmodifiedSince());
            Instant modified = state.lastModified().truncatedTo(ChronoUnit.SECONDS);
            if (since != null && modified.isAfter(since)) {
                return new Failed(412, "If-Unmodified-Since: the resource was last modified " + HttpDate.format(modified)
                        + ", after " + HttpDate.format(since));
            }
        }
        if (conditions.ifNoneMatch() != null) {
            Failed failed = ifNoneMatch(conditions.ifNoneMatch().strip(), state, read);
            if (failed != null) {
                return failed;
            }
        } else if (read && conditions.ifModifiedSince() != null && state.lastModified() != null) {
            Instant since = date(conditions.ifModifiedSince());
            if (since != null && !state.lastModified().truncatedTo(ChronoUnit.SECONDS).isAfter(since)) {
                return new Failed(304, "not modified since " + HttpDate.format(since));
            }
        }
        return null;
    }

    /** Holds when a tag given matches the resource's strongly (neither weak, the same characters), or * when it exists. */
    private static Failed ifMatch(String value, State state) {
        if (value.equals("*")) {
            return state.exists() ? null : new Failed(412, "If-Match: * asks for a resource at this path, and there is none");
        }
        if (!state.exists()) {
            return new Failed(412, "If-Match: nothing is at this path, so no entity tag matches");
        }
        if (state.etag() == null) {
            return new Failed(412, "If-Match: a collection has no entity tag, so only * matches it");
        }
        List<String> tags = tags(value);
        if (tags.contains(state.etag())) {
            return null;
        }
        String hint = tags.contains("W/" + state.etag()) ? " (If-Match compares strongly: a weak W/ tag never matches)" : "";
        return new Failed(412, "If-Match: the resource's entity tag is " + state.etag() + ", not one of those given" + hint);
    }

    /** Fails when a tag given matches the resource's weakly (the same characters, W/ or not), or * when it exists. */
    private static Failed ifNoneMatch(String value, State state, boolean read) {
        if (value.equals("*")) {
            return state.exists() ? new Failed(read ? 304 : 412,
                    "If-None-Match: * asks that nothing be at this path, and something is") : null;
        }
        if (state.etag() == null) {
            return null;
        }
        boolean matches = tags(value).stream().anyMatch(t -> (t.startsWith("W/") ? t.substring(2) : t).equals(state.etag()));
        return matches ? new Failed(read ? 304 : 412, "If-None-Match: the resource's entity tag is " + state.etag()
                + ", one of those given") : null;
    }

    /**
     * The entity tags of a list ({@code "a", W/"b"}), each as sent, quotes included. A member that is no entity
     * tag (unquoted, cut off) is left out: it matches nothing.
     */
    static List<String> tags(String value) {
        List<String> tags = new ArrayList<>();
        int i = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == ',' || Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean weak = value.startsWith("W/", i);
            int open = weak ? i + 2 : i;
            int close = open < value.length() && value.charAt(open) == '"' ? value.indexOf('"', open + 1) : -1;
            if (close < 0) {
                // not an entity tag: skipped to the next member
                int comma = value.indexOf(',', i);
                i = comma < 0 ? value.length() : comma + 1;
                continue;
            }
            tags.add(value.substring(i, close + 1));
            i = close + 1;
        }
        return tags;
    }

    /** An HTTP date in any of its three forms, or null for one that is none: the RFC has such a header ignored. */
    static Instant date(String value) {
        String v = value.strip();
        for (DateTimeFormatter format : List.of(RFC_1123, RFC_850, ASCTIME)) {
            try {
                return format.parse(v, Instant::from);
            } catch (DateTimeParseException e) {
                // the next form
            }
        }
        return null;
    }
}
