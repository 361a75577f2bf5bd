package io.imgboard.support;

import org.jboss.resteasy.reactive.server.core.multipart.MultipartParser;

/**
 * Request bodies the framework could not read, told apart from the services' own failures: a
 * multipart body that breaks its own format is the client's error (400), not an internal one.
 */
public final class MalformedBodies {
    /** What a client that sent such a body is told, on every service. */
    public static final String MULTIPART = "the multipart body is malformed (a part that does not end with its "
            + "boundary, or a part header that is not one): nothing was kept";

    private MalformedBodies() {
    }

    /**
     * Whether {@code failure} (or a cause) is RESTEasy's multipart parser refusing the body: a part
     * header it cannot read, or a body that ended before its closing boundary (the parser's blocking
     * mode says the connection terminated, though the body only ran out; a client that really went away
     * reads no answer either way).
     */
    public static boolean multipart(Throwable failure) {
        return Causes.any(failure, t -> t instanceof MultipartParser.MalformedMessageException
                || t instanceof java.io.IOException && t.getMessage() != null
                && t.getMessage().startsWith("Connection terminated parsing multipart"));
    }
}
