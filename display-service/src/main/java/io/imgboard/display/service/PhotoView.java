package io.imgboard.display.service;

import io.imgboard.events.PhotoPublished;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One photo as frames see it: in the {@code playlist} and {@code add} events and in
 * {@code GET /api/v1/playlist}. Immutable; equal when every part is.
 *
 * <p>A display holds one of these for every photo in the library, so it is kept small: the id as two
 * numbers, the renditions as names and versions ({@link RenditionUrls}), the placeholder as its bytes,
 * times as numbers, the ids of sources and devices shared between photos ({@link Shared}): about 480
 * bytes with the playlist's indexes ({@link PhotoIndex}, {@code ./imgboard bench library}), where a
 * record of the catalog's objects took 1.9 KB. What frames read is made from them when a page or an
 * event is encoded.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.NONE, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonPropertyOrder({"photoId", "url", "width", "height", "placeholder", "capturedAt", "capturedLocal", "publishedAt", "renditions",
        "fileName", "arrivedAt"})
public final class PhotoView {
    static final String DEFAULT_RENDITION = "display";
    static final String PLACEHOLDER_PREFIX = "data:image/webp;base64,";
    private static final Shared<List<String>> IDS = new Shared<>(10_000);

    /**
     * Newest first: every photo with a date ({@link #dated}) by it, then the undated ones by when they joined the
     * library ({@link #sortTime}); ties by id.
     */
    static final Comparator<PhotoView> NEWEST_FIRST = (a, b) -> {
        if (a.dated() != b.dated()) {
            return a.dated() ? -1 : 1;
        }
        int bySeconds = Long.compare(b.sortSeconds(), a.sortSeconds());
        if (bySeconds != 0) {
            return bySeconds;
        }
        int byNanos = Integer.compare(b.sortNanos(), a.sortNanos());
        if (byNanos != 0) {
            return byNanos;
        }
        int byHigh = Long.compare(a.idHigh, b.idHigh); // as UUID.compareTo
        return byHigh != 0 ? byHigh : Long.compare(a.idLow, b.idLow);
    };
    /**
     * Oldest first (img-board's canonical order): every photo with a date by it, then the undated ones by when they
     * joined the library; ties by file name.
     */
    static final Comparator<PhotoView> OLDEST_FIRST = Comparator.comparing((PhotoView p) -> !p.dated())
            .thenComparing(PhotoView::sortTime).thenComparing(PhotoView::fileName);
    /** An absent time in the seconds fields. */
    private static final long NONE = Long.MIN_VALUE;
    /** No camera clock known: {@code capturedAt} has no local day of its own (no EXIF date, or a file's time). */
    private static final short NO_OFFSET = Short.MIN_VALUE;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    /** UTC offsets run from -12:00 to +14:00; anything past ±18:00 is no offset at all ({@link ZoneOffset}). */
    private static final int MAX_OFFSET_MINUTES = 18 * 60;

    // The id's two halves: a UUID is an object of its own (32 bytes, and a pointer to follow in every pass).
    private final long idHigh;
    private final long idLow;
    private final int width;
    private final int height;
    /** The placeholder's WebP bytes (its base64 is a third longer), or null. */
    private final byte[] placeholder;
    // Each time as seconds and nanoseconds ({@link #NONE} when absent): an Instant is an object of its own.
    private final long capturedSeconds;
    private final int capturedNanos;
    /** The camera's clock minus UTC when it took the photo, in minutes, or {@link #NO_OFFSET}. */
    private final short capturedOffsetMinutes;
    private final long publishedSeconds;
    private final int publishedNanos;
    private final long arrivedSeconds;
    private final int arrivedNanos;
    /** The renditions' names, one list shared by every photo with the same ones; see {@link RenditionUrls}. */
    private final List<String> renditionNames;
    /** Each rendition's version ({@link MediaPaths#version}), in the order of the names. */
    private final long[] versions;
    private final String fileName;
    private final List<String> sourceIds;
    private final List<String> deviceIds;

    private PhotoView(UUID photoId, int width, int height, byte[] placeholder, Instant capturedAt, short capturedOffsetMinutes,
                      Instant publishedAt, List<String> renditionNames, long[] versions, String fileName, Instant arrivedAt,
                      List<String> sourceIds, List<String> deviceIds) {
        this.idHigh = photoId.getMostSignificantBits();
        this.idLow = photoId.getLeastSignificantBits();
        this.width = width;
        this.height = height;
        this.placeholder = placeholder;
        this.capturedSeconds = capturedAt == null ? NONE : capturedAt.getEpochSecond();
        this.capturedNanos = capturedAt == null ? 0 : capturedAt.getNano();
        this.capturedOffsetMinutes = capturedAt == null ? NO_OFFSET : capturedOffsetMinutes;
        this.publishedSeconds = publishedAt == null ? NONE : publishedAt.getEpochSecond();
        this.publishedNanos = publishedAt == null ? 0 : publishedAt.getNano();
        this.arrivedSeconds = arrivedAt == null ? NONE : arrivedAt.getEpochSecond();
        this.arrivedNanos = arrivedAt == null ? 0 : arrivedAt.getNano();
        this.renditionNames = renditionNames;
        this.versions = versions;
        this.fileName = fileName;
        this.sourceIds = sourceIds;
        this.deviceIds = deviceIds;
    }

    private static Instant instant(long seconds, int nanos) {
        return seconds == NONE ? null : Instant.ofEpochSecond(seconds, nanos);
    }

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
        RenditionUrls renditions = RenditionUrls.of(photoId, published.renditions());
        if (renditions.isEmpty()) {
            throw new InvalidCatalogRecordException("PhotoPublished " + photoId + " has no usable rendition");
        }
        return new PhotoView(photoId, published.width(), published.height(), placeholderBytes(published.placeholder()),
                published.capturedAt(), offsetMinutes(published.capturedAt(), published.capturedLocal()),
                published.occurredAt(), renditions.names(), renditions.versions(),
                CompatNames.of(published.name(), photoId), published.arrivedAt(), ids(published.sourceIds()),
                ids(published.deviceIds()));
    }

    /**
     * How far the camera's clock was from UTC: its own time ({@code capturedLocal}) less the instant. A
     * camera that wrote no offset had its time taken as UTC, so its offset is 0 and its day the one it wrote.
     */
    static short offsetMinutes(Instant capturedAt, String capturedLocal) {
        if (capturedAt == null || capturedLocal == null) {
            return NO_OFFSET;
        }
        try {
            long minutes = Math.floorDiv(LocalDateTime.parse(capturedLocal).toEpochSecond(ZoneOffset.UTC)
                    - capturedAt.getEpochSecond(), 60);
            return Math.abs(minutes) <= MAX_OFFSET_MINUTES ? (short) minutes : NO_OFFSET;
        } catch (DateTimeParseException e) {
            return NO_OFFSET;
        }
    }

    /** The placeholder only when it is an inline WebP; a frame must never be pointed at anything else. */
    static String placeholder(String candidate) {
        byte[] bytes = placeholderBytes(candidate);
        return bytes == null ? null : PLACEHOLDER_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The bytes of an inline WebP placeholder; null for anything else, including base64 that does not decode. */
    private static byte[] placeholderBytes(String candidate) {
        if (candidate == null || !candidate.startsWith(PLACEHOLDER_PREFIX)) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(candidate.substring(PLACEHOLDER_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static List<String> ids(List<String> ids) {
        return ids == null || ids.isEmpty() ? List.of() : IDS.of(ids.stream().filter(Objects::nonNull).toList());
    }

    @JsonProperty
    public UUID photoId() {
        return new UUID(idHigh, idLow);
    }

    /** Whether this is the photo with that id (without making its {@link #photoId()}). */
    boolean hasId(UUID id) {
        return id.getMostSignificantBits() == idHigh && id.getLeastSignificantBits() == idLow;
    }

    /** {@code photoId().hashCode()}, without making it. */
    int idHash() {
        long both = idHigh ^ idLow;
        return (int) (both >> 32) ^ (int) both;
    }

    /**
     * The rendition a frame shows by default ({@code display}, else the first there is), relative to the
     * display and versioned: {@code /media/<photoId>/display.webp?v=<version>}, see {@link MediaPaths#url}.
     */
    @JsonProperty
    public String url() {
        return renditions().get(compatRendition());
    }

    /** The original's upright width; renditions keep its aspect ratio. */
    @JsonProperty
    public int width() {
        return width;
    }

    @JsonProperty
    public int height() {
        return height;
    }

    /** A tiny {@code data:image/webp;base64,} URI to show while the real image loads, or null. */
    @JsonProperty
    public String placeholder() {
        return placeholder == null ? null : PLACEHOLDER_PREFIX + Base64.getEncoder().encodeToString(placeholder);
    }

    /** When the photo was taken, or null when unknown. */
    @JsonProperty
    public Instant capturedAt() {
        return instant(capturedSeconds, capturedNanos);
    }

    /**
     * The camera's own clock when it took the photo ({@code 2019-07-04T00:30:00}): frames show its day, the
     * day where the photo was taken, not the day at the instant where the frame hangs. Null when unknown.
     */
    @JsonProperty
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String capturedLocal() {
        return capturedOffsetMinutes == NO_OFFSET ? null
                : LOCAL.format(LocalDateTime.ofEpochSecond(capturedSeconds + capturedOffsetMinutes * 60L, 0, ZoneOffset.UTC));
    }

    /** The day the photo was taken: the camera's own, else the instant's in {@code zone}; null when unknown. */
    public LocalDate capturedDay(ZoneId zone) {
        if (capturedSeconds == NONE) {
            return null;
        }
        return capturedOffsetMinutes == NO_OFFSET ? LocalDate.ofInstant(capturedAt(), zone)
                : LocalDate.ofEpochDay(Math.floorDiv(capturedSeconds + capturedOffsetMinutes * 60L, 86_400L));
    }

    /** When the ledger published this version of it. */
    @JsonProperty
    public Instant publishedAt() {
        return instant(publishedSeconds, publishedNanos);
    }

    /** Rendition name → relative versioned URL, e.g. {@code display}, {@code uhd}, {@code thumb}; read-only. */
    @JsonProperty
    public Map<String, String> renditions() {
        return new RenditionUrls(photoId(), renditionNames, versions);
    }

    /** The img-board file name ({@code /images/<fileName>}, see {@link CompatNames}). */
    @JsonProperty
    public String fileName() {
        return fileName;
    }

    /** When the ledger first recorded the photo (order "by arrival"), or null when unknown. */
    @JsonProperty
    public Instant arrivedAt() {
        return instant(arrivedSeconds, arrivedNanos);
    }

    /** The sources it has an origin in, for named frames' filters; never sent to frames. */
    public List<String> sourceIds() {
        return sourceIds;
    }

    /** The device tokens it came through, likewise. */
    public List<String> deviceIds() {
        return deviceIds;
    }

    PhotoView withFileName(String name) {
        return new PhotoView(photoId(), width, height, placeholder, capturedAt(), capturedOffsetMinutes, publishedAt(),
                renditionNames, versions, name, arrivedAt(), sourceIds, deviceIds);
    }

    PhotoView withPublishedAt(Instant at) {
        return new PhotoView(photoId(), width, height, placeholder, capturedAt(), capturedOffsetMinutes, at, renditionNames,
                versions, fileName, arrivedAt(), sourceIds, deviceIds);
    }

    /** The same photo as a frame sees it: equal when only what frames are never sent differs. */
    public boolean looksLike(PhotoView other) {
        return other != null && idHigh == other.idHigh && idLow == other.idLow && width == other.width && height == other.height
                && Arrays.equals(placeholder, other.placeholder)
                && capturedSeconds == other.capturedSeconds && capturedNanos == other.capturedNanos
                && capturedOffsetMinutes == other.capturedOffsetMinutes
                && publishedSeconds == other.publishedSeconds && publishedNanos == other.publishedNanos
                && arrivedSeconds == other.arrivedSeconds && arrivedNanos == other.arrivedNanos
                && renditionNames.equals(other.renditionNames) && Arrays.equals(versions, other.versions)
                && Objects.equals(fileName, other.fileName);
    }

    /** When the photo joined the library: its arrival at the ledger, else its first publication. */
    public Instant joinedAt() {
        if (arrivedSeconds != NONE) {
            return arrivedAt();
        }
        return publishedSeconds != NONE ? publishedAt() : Instant.EPOCH;
    }

    /** The rendition img-board's {@code /images/<fileName>} serves: {@code display}, else the first there is. */
    public String compatRendition() {
        return renditionNames.contains(DEFAULT_RENDITION) ? DEFAULT_RENDITION : renditionNames.get(0);
    }

    /**
     * Whether the photo has a date to be ordered by: its capture time, or (the ledger's guess without EXIF) its file's
     * own time. In the capture orders a photo without one comes after every photo with one, whichever way they
     * run: dated by its arrival instead, it would come first, newest first.
     */
    public boolean dated() {
        return capturedSeconds != NONE;
    }

    /**
     * Capture time when known, else when the photo joined the library ({@link #joinedAt}): the order of the
     * playlist among dated photos, and among undated ones ({@link #dated}). Not its publish time, which a photo
     * hidden and shown again gets anew: an undated photo keeps its place, and img-board's ordered list is the
     * same for the same photos (IMG-BOARD-API section 3).
     */
    public Instant sortTime() {
        return Instant.ofEpochSecond(sortSeconds(), sortNanos());
    }

    private long sortSeconds() {
        if (capturedSeconds != NONE) {
            return capturedSeconds;
        }
        if (arrivedSeconds != NONE) {
            return arrivedSeconds;
        }
        return publishedSeconds != NONE ? publishedSeconds : 0;
    }

    private int sortNanos() {
        if (capturedSeconds != NONE) {
            return capturedNanos;
        }
        if (arrivedSeconds != NONE) {
            return arrivedNanos;
        }
        return publishedSeconds != NONE ? publishedNanos : 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PhotoView other && looksLike(other) && sourceIds.equals(other.sourceIds)
                && deviceIds.equals(other.deviceIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(idHash(), fileName, publishedSeconds, publishedNanos);
    }

    @Override
    public String toString() {
        return "PhotoView[" + photoId() + " " + fileName + " " + renditionNames + " " + width + "x" + height
                + " captured " + capturedAt() + "]";
    }
}
