package io.imgboard.display.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.InputStream;

/**
 * {@code /ops} without a trailing slash ({@code /admin} is img-board's redirect to {@code /admin.html}, see {@link CompatAdminResource}). The pages are static files
 * ({@code META-INF/resources/admin/index.html}, served at {@code /admin/} by Quarkus); the static
 * handler does not map a folder name without its slash, and people type it without.
 */
@Path("/")
public class PagesResource {

    @GET
    @Path("ops")
    @Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
    @Operation(hidden = true)
    public InputStream ops() {
        return page("ops");
    }

    private static InputStream page(String name) {
        InputStream page = PagesResource.class.getResourceAsStream("/META-INF/resources/" + name + "/index.html");
        if (page == null) {
            throw new NotFoundException();
        }
        return page;
    }
}
