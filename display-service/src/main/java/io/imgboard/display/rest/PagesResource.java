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
            String shown = escape(name.length() > 60 ? name.substring(0, 60) + "…" : name);
            if (frames.mayYetExist(name)) {
                // A display still reading its settings: not "no such frame", or a screen would stay on that page.
                return Response.status(503).type(HTML).header("Retry-After", "5")
                        .entity(notice("Starting", 5, "The display is starting",
                                "Frame &ldquo;" + shown + "&rdquo; shows in a moment.")).build();
            }
            // It tries again every minute: a screen left on this page shows the frame once it is made again.
            return Response.status(404).type(HTML).entity(notice("No such frame", 60,
                    "There is no frame called &ldquo;" + shown + "&rdquo;",
                    "Frames are named in the admin page; <a style=\"color:#9cf\" href=\"/\">the default frame</a>"
                            + " shows every photo.")).build();
        }
        return Response.ok(page("index.html")).type(HTML).build();
    }

    /** A page in place of a frame: a title, a heading, a line (both HTML), and a reload after {@code seconds}. */
    private static String notice(String title, int seconds, String heading, String line) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<meta http-equiv=\"refresh\" content=\"" + seconds + "\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "</head><body style=\"background:#000;color:#ddd;font:1.4rem system-ui,sans-serif;margin:3rem\">"
                + "<h1>" + heading + "</h1><p>" + line + "</p></body></html>";
    }

    /**
     * HTML-escaped, with control and format characters (bidi overrides, invisible ones) shown as what they are
     * ({@code ⟨U+0000⟩}), the form the admin and ops pages show names in (pages.js): a name from a URL is the
     * visitor's text.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                        out.append(String.format(java.util.Locale.ROOT, "\u27e8U+%04X\u27e9", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    private static InputStream page(String file) {
        InputStream page = PagesResource.class.getResourceAsStream("/META-INF/resources/" + file);
        if (page == null) {
            throw new NotFoundException();
        }
        return page;
    }
}
