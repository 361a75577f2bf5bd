package io.imgboard.display.service;

import java.util.List;

/**
 * The body of {@code GET /api/v1/playlist}: {@code {"photos":[...],"total":N}}, the newest photos
 * first, at most as many as asked for; {@code total} is how many the playlist holds.
 */
public record PlaylistView(List<PhotoView> photos, int total) {
}
