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
import java.util.List;
import java.util.Locale;

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
                                List.of("Frame &ldquo;" + shown + "&rdquo; shows in a moment."))).build();
            }
            // Names are lower-case (Frames.NAME): one typed with capitals is most likely that frame.
            String lower = name.toLowerCase(Locale.ROOT);
            String known = "Frames are named in the admin page; <a href=\"/\">the default frame</a> shows every photo.";
            List<String> lines = !lower.equals(name) && frames.find(lower).isPresent()
                    ? List.of("Frame names are lower-case: <a href=\"/frames/" + lower + "\">/frames/" + lower + "</a>", known)
                    : List.of(known);
            // It tries again every minute: a screen left on this page shows the frame once it is made again.
            return Response.status(404).type(HTML).entity(notice("No such frame", 60,
                    "There is no frame called &ldquo;" + shown + "&rdquo;", lines)).build();
        }
        return Response.ok(page("index.html")).type(HTML).build();
    }

    /**
     * A page in place of a frame: a title, a heading, lines (all HTML), and a reload after {@code seconds}. Its
     * sizes follow the screen's smaller side, as the frame's own words do: it fits a 300×200 iframe and reads across
     * a room on a 1080p wall (heading 45 px, text 24 px there).
     */
    private static String notice(String title, int seconds, String heading, List<String> lines) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<meta http-equiv=\"refresh\" content=\"" + seconds + "\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<style>body{background:#000;color:#ddd;font:clamp(11px,2.2vmin,32px)/1.35 system-ui,sans-serif;"
                + "margin:clamp(8px,4.4vmin,64px);overflow-wrap:anywhere}"
                + "h1{font-size:clamp(15px,4.2vmin,60px);line-height:1.2;margin:0 0 .5em}p{margin:0 0 .6em}a{color:#9cf}</style>"
                + "</head><body><h1>" + heading + "</h1><p>" + String.join("</p><p>", lines) + "</p></body></html>";
    }

    /**
     * HTML-escaped, with control and format characters (bidi overrides, invisible ones) shown as what they are
     * ({@code ⟨U+0000⟩}), the form the admin and ops pages show names in (pages.js): a name from a URL is the
     * visitor's text.
     */
    /**
     * Shown as {@code ⟨U+…⟩} rather than drawn: control characters but tab and line breaks, and format characters
     * (bidi overrides, zero-width spaces) but the zero-width joiner and non-joiner, which emoji sequences and Indic and
     * Persian words need. pages.js's {@code Pages.shown} applies the same rule (AdminSectionsBrowserTest holds them together).
     */
    static boolean invisible(int c) {
        return Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r'
                || Character.getType(c) == Character.FORMAT && c != 0x200C && c != 0x200D;
    }

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
                    if (invisible(c)) {
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
