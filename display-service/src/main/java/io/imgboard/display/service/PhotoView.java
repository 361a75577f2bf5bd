package io.imgboard.display.service;

import io.imgboard.events.PhotoPublished;
import io.imgboard.events.Rendition;

import com.fasterxml.jackson.annotation.JsonIgnore;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One photo as frames see it: in the {@code playlist} and {@code add} events and in
 * {@code GET /api/v1/playlist}.
 *
 * @param url         the rendition a frame shows by default ({@code display}), relative to the display and
 *                    versioned ({@code /media/<photoId>/display.webp?v=<version>}, see {@link MediaPaths#url})
 * @param width       the original's upright width; renditions keep its aspect ratio
 * @param placeholder a tiny {@code data:image/webp;base64,} URI to show while the real image loads, or null
 *                    (anything else from the catalog is dropped: frames put it straight into {@code img.src})
 * @param capturedAt  when the photo was taken, or null when unknown
 * @param publishedAt when the ledger published this version of it
 * @param renditions  rendition name → relative versioned URL, e.g. {@code display}, {@code uhd}, {@code thumb}
 * @param fileName    the img-board file name ({@code /images/<fileName>}, see {@link CompatNames})
 * @param arrivedAt   when the ledger first recorded the photo (order "by arrival"), or null when unknown
 * @param sourceIds   the sources it has an origin in, for named frames' filters; never sent to frames
 * @param deviceIds   the device tokens it came through, likewise
 */
public record PhotoView(
        UUID photoId,
        String url,
        int width,
        int height,
        String placeholder,
        Instant capturedAt,
        Instant publishedAt,
        Map<String, String> renditions,
        String fileName,
        Instant arrivedAt,
        @JsonIgnore List<String> sourceIds,
        @JsonIgnore List<String> deviceIds) {

    static final String DEFAULT_RENDITION = "display";
    static final String PLACEHOLDER_PREFIX = "data:image/webp;base64,";

    /**
     * Maps a catalog record. Rejects what a frame could not use, so it goes to the dead-letter topic
     * instead of showing as a broken image on every wall.
     *
     * @throws InvalidCatalogRecordException when the record lacks a photo id or any usable rendition
     */
    public static PhotoView from(PhotoPublished published) {
        if (published.photoId() == null) {
            throw new InvalidCatalogRecordException("PhotoPublished without photoId");
        }
        UUID photoId = published.photoId();
        Map<String, String> renditions = new LinkedHashMap<>();
        if (published.renditions() != null) {
            for (Rendition rendition : published.renditions()) {
                if (rendition != null && MediaPaths.isRenditionName(rendition.name())) {
                    renditions.put(rendition.name(), MediaPaths.url(photoId, rendition));
                }
            }
        }
        if (renditions.isEmpty()) {
            throw new InvalidCatalogRecordException("PhotoPublished " + photoId + " has no usable rendition");
        }
        String url = renditions.getOrDefault(DEFAULT_RENDITION, renditions.values().iterator().next());
        return new PhotoView(photoId, url, published.width(), published.height(), placeholder(published.placeholder()),
                published.capturedAt(), published.occurredAt(), Collections.unmodifiableMap(renditions),
                CompatNames.of(published.name(), photoId), published.arrivedAt(), ids(published.sourceIds()),
                ids(published.deviceIds()));
    }

    /** The placeholder only when it is an inline WebP; a frame must never be pointed at anything else. */
    static String placeholder(String candidate) {
        return candidate != null && candidate.startsWith(PLACEHOLDER_PREFIX) ? candidate : null;
    }

    private static List<String> ids(List<String> ids) {
        return ids == null ? List.of() : ids.stream().filter(java.util.Objects::nonNull).toList();
    }

    PhotoView withFileName(String name) {
        return new PhotoView(photoId, url, width, height, placeholder, capturedAt, publishedAt, renditions, name, arrivedAt,
                sourceIds, deviceIds);
    }

    PhotoView withPublishedAt(Instant at) {
        return new PhotoView(photoId, url, width, height, placeholder, capturedAt, at, renditions, fileName, arrivedAt,
                sourceIds, deviceIds);
    }

    /** The same photo as a frame sees it: equal when only what frames are never sent differs. */
    boolean looksLike(PhotoView other) {
        return other != null && equals(new PhotoView(other.photoId, other.url, other.width, other.height, other.placeholder,
                other.capturedAt, other.publishedAt, other.renditions, other.fileName, other.arrivedAt, sourceIds, deviceIds));
    }

    /** When the photo joined the library: its arrival at the ledger, else its first publication. */
    public Instant joinedAt() {
        if (arrivedAt != null) {
            return arrivedAt;
        }
        return publishedAt != null ? publishedAt : Instant.EPOCH;
    }

    /** The rendition img-board's {@code /images/<fileName>} serves: {@code display}, else the first there is. */
    public String compatRendition() {
        return renditions.containsKey(DEFAULT_RENDITION) ? DEFAULT_RENDITION : renditions.keySet().iterator().next();
    }

    /** Capture time when known, else publish time: the order of the playlist. */
    public Instant sortTime() {
        if (capturedAt != null) {
            return capturedAt;
        }
        return publishedAt != null ? publishedAt : Instant.EPOCH;
    }
}
