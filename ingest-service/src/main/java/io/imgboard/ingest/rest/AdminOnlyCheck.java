package io.imgboard.ingest.rest;

import io.imgboard.ingest.service.Credentials;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;
import java.util.function.BooleanSupplier;

/** {@link AdminOnly} resources and methods, after routing: the admitted principal must be the admin. */
class AdminOnlyCheck {
    private final BooleanSupplier adminConfigured;

    @Inject
    AdminOnlyCheck(Credentials credentials) {
        this(credentials::adminConfigured);
    }

    AdminOnlyCheck(BooleanSupplier adminConfigured) {
        this.adminConfigured = adminConfigured;
    }

    @ServerRequestFilter
    Optional<Response> check(ResourceInfo resource, RoutingContext context) {
        boolean adminOnly = resource.getResourceClass() != null && resource.getResourceClass().isAnnotationPresent(AdminOnly.class)
                || resource.getResourceMethod() != null && resource.getResourceMethod().isAnnotationPresent(AdminOnly.class);
        if (!adminOnly || RequestGate.principal(context).isAdmin()) {
            return Optional.empty();
        }
        throw new ApiException(401, RequestGate.adminRequired(adminConfigured.getAsBoolean()));
    }
}
