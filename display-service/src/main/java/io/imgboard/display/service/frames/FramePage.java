package io.imgboard.display.service.frames;

import io.imgboard.display.service.PhotoView;

import java.util.List;

/**
 * A window of a frame's bag: the body of the {@code page} event and of {@code GET /api/v1/frames/{name}/next}.
 *
 * @param round    the bag's round (1, 2, …): every photo of the frame once per round
 * @param total    photos in this round
 * @param position photos of this round before the first of {@code photos}
 * @param photos   what comes next, in the order to show them (at most the limit asked for)
 * @param bag      names this round of this bag (opaque): a frame that reconnects after a reload passes it
 *                 with the last photo it showed, and resumes there only if the bag is still that one
 */
public record FramePage(String frame, long round, int total, int position, List<PhotoView> photos, String bag) {
}
