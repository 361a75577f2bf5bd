package io.imgboard.display.rest;

import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.PlaylistView;
import io.imgboard.support.ErrorBody;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/playlist")
@Tag(name = "frames")
public class PlaylistResource {
    private final Playlist playlist;

    PlaylistResource(Playlist playlist) {
        this.playlist = playlist;
    }

    /** How many photos one answer holds at most, and without {@code limit}. */
    static final int MAX_LIMIT = 1_000;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The newest photos of the playlist, newest first (limit: 1 to 1000, default 1000), and how many"
            + " it holds (total)")
    public Uni<PlaylistView> playlist(@QueryParam("limit") @DefaultValue("1000") String limit) {
        // Read here rather than as an int: JAX-RS answers a query parameter it cannot convert with a bare 404.
        int photos;
        try {
            photos = Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            photos = -1;
        }
        if (photos < 1 || photos > MAX_LIMIT) {
            throw new BadRequestException(ErrorBody.response(Response.Status.BAD_REQUEST,
                    "limit must be a whole number between 1 and " + MAX_LIMIT + ", not \"" + limit + "\""));
        }
        return playlist.newest(photos);
    }
}
