package io.imgboard.display.rest;

import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.PlaylistView;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/playlist")
@Tag(name = "frames")
public class PlaylistResource {
    private final Playlist playlist;

    PlaylistResource(Playlist playlist) {
        this.playlist = playlist;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The current playlist, newest first: the same JSON as the SSE playlist event")
    public Uni<PlaylistView> playlist() {
        return playlist.current();
    }
}
