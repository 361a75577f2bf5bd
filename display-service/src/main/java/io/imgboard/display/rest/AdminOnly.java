package io.imgboard.display.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Resources that answer only with the admin token; checked by {@link AdminAccess}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface AdminOnly {
}
