package io.imgboard.ingest.rest;

import jakarta.ws.rs.HttpMethod;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The WebDAV verbs (RFC 4918) for JAX-RS: Quarkus REST maps every {@code @HttpMethod} annotation to a verb. */
final class DavMethods {
    private DavMethods() {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("PROPFIND")
    @interface PROPFIND {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("PROPPATCH")
    @interface PROPPATCH {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("MKCOL")
    @interface MKCOL {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("COPY")
    @interface COPY {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("MOVE")
    @interface MOVE {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("LOCK")
    @interface LOCK {
    }

    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @HttpMethod("UNLOCK")
    @interface UNLOCK {
    }
}
