package io.imgboard.ingest.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An operator API: the admin token only. {@link RequestGate} refuses other credentials by path before
 * the body is read; {@link AdminOnlyCheck} refuses them again by the route the request was matched to,
 * which no spelling of the path can change.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@interface AdminOnly {
}
