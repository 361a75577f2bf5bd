package io.imgboard.display.service;

import java.util.List;

/** The body of the {@code playlist} event and of {@code GET /api/v1/playlist}: {@code {"photos":[...]}}, newest first. */
public record PlaylistView(List<PhotoView> photos) {
}
