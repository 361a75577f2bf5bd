package io.imgboard.display.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.service.MediaGrants;
import io.imgboard.display.service.MediaPaths;
import io.imgboard.display.service.Upstreams;
import io.imgboard.events.Rendition;
import io.imgboard.events.RenditionSpec;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The admin page's photos: every photo the ledger knows (hidden ones too, which the display's own
 * playlist no longer holds), searched by source, device and capture date, with thumbnail URLs the
 * display serves, and the other content found to be the same shot (twins); hide, unhide, delete,
 * retry and splitting off a wrong twin go to the ledger. Admin token only.
 */
@Path("/api/v1/admin/photos")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class AdminPhotosResource {
    private static final String SEARCH = "/api/v1/photo-search";
    private static final String PHOTOS = "/api/v1/photos/";
    private static final String THUMB = "thumb";
    private static final String DISPLAY = "display";

    /**
     * One photo as the admin page lists it.
     *
     * @param state   VISIBLE-side words from the ledger: READY, PENDING, FAILED, HIDDEN, RETIRED, DELETED
     * @param capturedLocal the camera's wall-clock time ({@code 2019-07-04T00:30:00}): its day is the one shown, as on
     *                the frames, wherever the admin page is read; null when the ledger does not know it
     * @param fileModifiedAt the file's own time when it arrived, shown when the photo has no capture date, or null
     * @param thumb   the smallest rendition's versioned URL on this display, or null when there is none
     * @param sources the ledger's source ids of its origins ({@code folder:nas}, {@code dav:anna}, …)
     */
    public record AdminPhoto(String photoId, String name, String state, boolean hidden, String capturedAt,
                             String capturedLocal, String fileModifiedAt, String createdAt, List<String> sources, List<String> devices, String thumb,
                             String display, String failureReason, Integer width, Integer height,
                             List<Twin> twins) {
    }

    /**
     * Other content the ledger found to be the same shot (the HEIC beside a JPEG), shown as part of the
     * photo; an operator who sees it is not splits it off.
     *
     * @param names    the file names it has at its origins
     * @param rendered whether the photo's renditions are made from it (the better original)
     */
    public record Twin(String twinId, List<String> names, Integer width, Integer height, String format,
                       boolean rendered) {
    }

    /** A page of photos; {@code next} is the cursor of the following page, null on the last one. */
    public record Page(List<AdminPhoto> photos, String next) {
    }

    private final AdminRelay relay;
    private final MediaGrants grants;

    AdminPhotosResource(AdminRelay relay, MediaGrants grants) {
        this.relay = relay;
        this.grants = grants;
    }

    @GET
    @Operation(summary = "Photos from the ledger, newest arrival first: state (visible, hidden, pending, failed, "
            + "retired, deleted), name (text a file's name holds, any case), source (folder:nas, or nas), device, capture "
            + "dates from/to (YYYY-MM-DD, inclusive), limit, cursor")
    public Uni<Response> search(@QueryParam("state") String state, @QueryParam("name") String name,
                                @QueryParam("source") String source,
                                @QueryParam("device") String device, @QueryParam("from") String from,
                                @QueryParam("to") String to, @QueryParam("limit") String limit,
                                @QueryParam("cursor") String cursor) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("state", state);
        query.put("name", name);
        query.put("source", source);
        query.put("device", device);
        query.put("from", from);
        query.put("to", to);
        query.put("limit", limit);
        query.put("cursor", cursor);
        return relay.relay(Upstreams.LEDGER, "GET", SEARCH + AdminRelay.query(query), null, this::page);
    }

    @POST
    @Path("{id}/hide")
    @Operation(summary = "Take a photo off every frame (the ledger retires it from the catalog); undone by unhide")
    public Uni<Response> hide(@PathParam("id") String id) {
        return command("POST", id, "/hide");
    }

    @POST
    @Path("{id}/unhide")
    @Operation(summary = "Put a hidden photo back on the frames")
    public Uni<Response> unhide(@PathParam("id") String id) {
        return command("POST", id, "/unhide");
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a photo: off the frames, its renditions and (unless another origin needs it) original removed")
    public Uni<Response> delete(@PathParam("id") String id) {
        return command("DELETE", id, "");
    }

    @POST
    @Path("{id}/retry")
    @Operation(summary = "Process a failed photo again; 409 when it has not failed")
    public Uni<Response> retry(@PathParam("id") String id) {
        return command("POST", id, "/retry");
    }

    @POST
    @Path("{id}/twins/{twinId}/split")
    @Operation(summary = "Not the same shot: the twin becomes a photo of its own, never matched again; the photo "
            + "is rendered from its own original again when it was rendered from the twin's")
    public Uni<Response> split(@PathParam("id") String id, @PathParam("twinId") String twinId) {
        Optional<UUID> twin = MediaPaths.photoId(twinId);
        if (twin.isEmpty()) {
            return AdminRelay.badRequest("not a photo id: " + shortened(twinId));
        }
        return command("POST", id, "/twins/" + twin.get() + "/split");
    }

    @POST
    @Path("retry-failed")
    @Operation(summary = "Process every failed photo again; answers how many were asked")
    public Uni<Response> retryFailed() {
        return relay.relay(Upstreams.LEDGER, "POST", "/api/v1/failures/retry", null);
    }

    private Uni<Response> command(String method, String id, String action) {
        Optional<UUID> photoId = MediaPaths.photoId(id);
        if (photoId.isEmpty()) {
            return AdminRelay.badRequest("not a photo id: " + shortened(id));
        }
        return relay.relay(Upstreams.LEDGER, method, PHOTOS + photoId.get() + action, null);
    }

    private static String shortened(String id) {
        return id.length() > 40 ? id.substring(0, 40) + "…" : id;
    }

    Page page(JsonNode body) {
        List<AdminPhoto> photos = new ArrayList<>();
        for (JsonNode p : body.path("photos")) {
            Optional<UUID> id = MediaPaths.photoId(p.path("photoId").asText(null));
            if (id.isEmpty()) {
                continue;
            }
            Set<String> sources = new LinkedHashSet<>();
            Set<String> devices = new LinkedHashSet<>();
            Map<String, Set<String>> namesBySha = new LinkedHashMap<>();
            for (JsonNode origin : p.path("origins")) {
                if (origin.hasNonNull("sourceId")) {
                    sources.add(origin.get("sourceId").asText());
                }
                if (origin.hasNonNull("deviceId")) {
                    devices.add(origin.get("deviceId").asText());
                }
                if (origin.hasNonNull("sha256") && origin.hasNonNull("name")) {
                    namesBySha.computeIfAbsent(origin.get("sha256").asText(), sha -> new LinkedHashSet<>())
                            .add(origin.get("name").asText());
                }
            }
            List<Twin> twins = new ArrayList<>();
            for (JsonNode t : p.path("twins")) {
                MediaPaths.photoId(t.path("twinId").asText(null)).ifPresent(twinId -> twins.add(new Twin(
                        twinId.toString(), List.copyOf(namesBySha.getOrDefault(t.path("sha256").asText(""), Set.of())),
                        t.hasNonNull("width") ? t.get("width").asInt() : null,
                        t.hasNonNull("height") ? t.get("height").asInt() : null,
                        t.path("format").asText(null), t.path("rendered").asBoolean())));
            }
            String state = p.path("state").asText(p.path("status").asText(""));
            boolean gone = "DELETED".equals(state);
            photos.add(new AdminPhoto(id.get().toString(), p.path("name").asText(null), state, p.path("hidden").asBoolean(),
                    p.path("capturedAt").asText(null), p.path("capturedLocal").asText(null), p.path("fileModifiedAt").asText(null), p.path("createdAt").asText(null),
                    List.copyOf(sources),
                    List.copyOf(devices), gone ? null : rendition(id.get(), p.path("renditions"), THUMB, true),
                    gone ? null : rendition(id.get(), p.path("renditions"), DISPLAY, false), p.path("failureReason").asText(null),
                    p.hasNonNull("width") ? p.get("width").asInt() : null,
                    p.hasNonNull("height") ? p.get("height").asInt() : null, List.copyOf(twins)));
        }
        JsonNode next = body.path("next");
        return new Page(photos, next.isTextual() ? next.asText() : null);
    }

    /**
     * The versioned media URL (the frames' own, {@link MediaPaths#url}) of the {@code preferred}
     * rendition, else of the smallest (or largest) there is, with a grant: the listing holds photos the
     * frames do not show, whose media are served on a grant only.
     */
    private String rendition(UUID photoId, JsonNode renditions, String preferred, boolean smallest) {
        Rendition chosen = null;
        for (JsonNode r : renditions) {
            String name = r.path("name").asText("");
            if (!RenditionSpec.isName(name)) {
                continue;
            }
            Rendition candidate = new Rendition(name, r.path("key").asText(""), r.path("width").asInt(),
                    r.path("height").asInt(), r.path("bytes").asLong());
            if (preferred.equals(name)) {
                chosen = candidate;
                break;
            }
            if (chosen == null || (smallest ? candidate.width() < chosen.width() : candidate.width() > chosen.width())) {
                chosen = candidate;
            }
        }
        return chosen == null ? null : grants.grant(MediaPaths.url(photoId, chosen), photoId, chosen.name());
    }
}
