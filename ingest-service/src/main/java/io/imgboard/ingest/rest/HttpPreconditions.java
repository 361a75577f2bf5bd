package io.imgboard.ingest.rest;

import io.imgboard.support.EntityTags;
import io.imgboard.support.HttpDate;
import jakarta.ws.rs.core.HttpHeaders;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

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
            Instant since = HttpDate.parse(conditions.ifUnmodifiedSince());
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
            Instant since = HttpDate.parse(conditions.ifModifiedSince());
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
        List<String> tags = EntityTags.tags(value);
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
        boolean matches = EntityTags.tags(value).stream().anyMatch(t -> EntityTags.weakMatch(t, state.etag()));
        return matches ? new Failed(read ? 304 : 412, "If-None-Match: the resource's entity tag is " + state.etag()
                + ", one of those given") : null;
    }
}
