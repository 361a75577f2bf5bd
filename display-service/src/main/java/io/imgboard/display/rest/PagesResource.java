package io.imgboard.display.rest;

import io.imgboard.display.service.frames.Frames;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.io.InputStream;

/**
 * {@code /ops} without a trailing slash ({@code /admin} is img-board's redirect to {@code /admin.html}, see {@link CompatAdminResource}). The pages are static files
 * ({@code META-INF/resources/admin/index.html}, served at {@code /admin/} by Quarkus); the static
 * handler does not map a folder name without its slash, and people type it without.
 * Named frames ({@code /frames/<name>}) are the frame page of {@code /}.
 */
@Path("/")
public class PagesResource {
    private static final String HTML = MediaType.TEXT_HTML + ";charset=UTF-8";
    private final Frames frames;

    PagesResource(Frames frames) {
        this.frames = frames;
    }

    @GET
    @Path("ops")
    @Produces(HTML)
    @Operation(hidden = true)
    public InputStream ops() {
        return page("ops/index.html");
    }

    /**
     * A named frame: the same page as {@code /} (the {@code default} frame), which reads its name from
     * the path. An unknown name gets a page that says so, not a frame that never shows anything.
     */
    @GET
    @Path("frames/{name}")
    @Produces(HTML)
    @Operation(hidden = true)
    public Response frame(@PathParam("name") String name) {
        if (frames.find(name).isEmpty()) {
            String shown = name.length() > 60 ? name.substring(0, 60) + "…" : name;
            return Response.status(404).type(HTML).entity("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                    + "<title>No such frame</title><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    + "</head><body style=\"background:#000;color:#ddd;font:1.4rem system-ui,sans-serif;margin:3rem\">"
                    + "<h1>There is no frame called &ldquo;" + escape(shown) + "&rdquo;</h1>"
                    + "<p>Frames are named in the admin page; <a style=\"color:#9cf\" href=\"/\">the default frame</a>"
                    + " shows every photo.</p></body></html>").build();
        }
        return Response.ok(page("index.html")).type(HTML).build();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }

    private static InputStream page(String file) {
        InputStream page = PagesResource.class.getResourceAsStream("/META-INF/resources/" + file);
        if (page == null) {
            throw new NotFoundException();
        }
        return page;
    }
}
