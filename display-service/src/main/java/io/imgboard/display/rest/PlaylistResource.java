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
    public Uni<PlaylistView> playlist(@QueryParam("limit") @DefaultValue("1000") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException(ErrorBody.response(Response.Status.BAD_REQUEST,
                    "limit must be between 1 and " + MAX_LIMIT + ", not " + limit));
        }
        return playlist.newest(limit);
    }
}
