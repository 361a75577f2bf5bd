package io.imgboard.display.stream;

import io.imgboard.display.service.frames.FrameBags;
import io.imgboard.display.service.frames.FrameDefinition;
import io.imgboard.display.service.frames.FramePage;
import io.imgboard.display.service.frames.Frames;
import io.imgboard.support.ErrorBody;
import io.imgboard.display.service.Playlist;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Optional;
import java.util.UUID;

/**
 * {@code GET /api/v1/frames/<name>/next?after=<photoId>&limit=100}: what follows {@code after} in the
 * frame's bag (the next round, reshuffled, when the round is over), recording {@code after} as where the
 * frame is. Frames ask when their window runs low; the body is the {@code page} event's.
 */
@Path("/api/v1/frames/{name}/next")
@Tag(name = "frames")
public class FrameWindowResource {
    private final Frames frames;
    private final FrameBags bags;
    private final Playlist playlist;

    FrameWindowResource(Frames frames, FrameBags bags, Playlist playlist) {
        this.frames = frames;
        this.bags = bags;
        this.playlist = playlist;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The next photos of a frame's shuffle bag after a photo it has; records that photo as its position")
    public Uni<Response> next(@PathParam("name") String name, @QueryParam("after") String after,
                              @QueryParam("limit") String limit, @QueryParam("round") String round) {
        Optional<FrameDefinition> frame = frames.find(name);
        if (frame.isEmpty()) {
            if (frames.mayYetExist(name)) {
                // as the page and the stream: a just-started display says "not yet", never "no such frame"
                return Uni.createFrom().item(Response.fromResponse(error(503,
                        "The display is starting: its frames are not read yet.")).header("Retry-After", "5").build());
            }
            return Uni.createFrom().item(error(404, "There is no frame called \"" + name + "\"."));
        }
        UUID afterId;
        int size;
        Long inRound;
        try {
            afterId = after == null || after.isBlank() ? null : UUID.fromString(after.strip());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(error(400, "\"after\" must be the photoId of a photo the frame has."));
        }
        try {
            size = limit == null || limit.isBlank() ? FrameBags.MAX_WINDOW : Integer.parseInt(limit.strip());
            inRound = round == null || round.isBlank() ? null : Long.parseLong(round.strip());
        } catch (NumberFormatException e) {
            size = -1;
            inRound = null;
        }
        if (size < 0 || size > FrameBags.MAX_WINDOW) {
            return Uni.createFrom().item(error(400, "\"limit\" must be a whole number from 0 to " + FrameBags.MAX_WINDOW
                    + " and \"round\" a whole number."));
        }
        int window = size;
        Long known = inRound;
        // One pass over the playlist: off the event loop, once the catalog is loaded.
        return playlist.whenLoaded().emitOn(Infrastructure.getDefaultWorkerPool()).map(ignored -> {
            FramePage page = bags.next(frame.get(), frames.effective(frame.get()), afterId, known, window);
            return Response.ok(page).build();
        });
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorBody(message, status)).build();
    }
}
