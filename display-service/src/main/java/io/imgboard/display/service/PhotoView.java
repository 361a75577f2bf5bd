package io.imgboard.display.service;

import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One photo as frames see it: in the {@code playlist} and {@code add} events and in
 * {@code GET /api/v1/playlist}.
 *
 * @param url         the rendition a frame shows by default ({@code display}), relative to the display
 * @param width       the original's upright width; renditions keep its aspect ratio
 * @param placeholder a tiny data URI to show while the real image loads, or null
 * @param capturedAt  when the photo was taken, or null when unknown
 * @param publishedAt when the ledger published this version of it
 * @param renditions  rendition name → relative URL, e.g. {@code display}, {@code uhd}, {@code thumb}
 */
public record PhotoView(
        UUID photoId,
        String url,
        int width,
        int height,
        String placeholder,
        Instant capturedAt,
        Instant publishedAt,
        Map<String, String> renditions) {

    static final String DEFAULT_RENDITION = "display";

    /**
     * Maps a catalog record. Rejects what a frame could not use, so it goes to the dead-letter topic
     * instead of showing as a broken image on every wall.
     *
     * @throws InvalidCatalogRecordException when the record lacks a photo id or any usable rendition
     */
    static PhotoView from(PhotoPublished published) {
        if (published.photoId() == null) {
            throw new InvalidCatalogRecordException("PhotoPublished without photoId");
        }
        UUID photoId = published.photoId();
        Map<String, String> renditions = new LinkedHashMap<>();
        if (published.renditions() != null) {
            for (Rendition rendition : published.renditions()) {
                if (rendition != null && MediaPaths.isRenditionName(rendition.name())) {
                    renditions.put(rendition.name(), MediaPaths.url(photoId, rendition.name()));
                }
            }
        }
        if (renditions.isEmpty()) {
            throw new InvalidCatalogRecordException("PhotoPublished " + photoId + " has no usable rendition");
        }
        String url = renditions.getOrDefault(DEFAULT_RENDITION, renditions.values().iterator().next());
        return new PhotoView(photoId, url, published.width(), published.height(), published.placeholder(),
                published.capturedAt(), published.occurredAt(), Collections.unmodifiableMap(renditions));
    }

    /** Capture time when known, else publish time: the order of the playlist. */
    Instant sortTime() {
        if (capturedAt != null) {
            return capturedAt;
        }
        return publishedAt != null ? publishedAt : Instant.EPOCH;
    }
}
