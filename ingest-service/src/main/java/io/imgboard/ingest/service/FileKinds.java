package io.imgboard.ingest.service;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one place that decides what a file is for img-board: an image (a photo to be), the video half
 * of a live photo, a sidecar, a video, or something else. Every door (folder sources, WebDAV, REST)
 * asks here, so a file gets the same answer and the same skip reason whichever way it came in.
 *
 * <p>The bytes decide whether a file is an image ({@link MagicBytes}); the name decides only what
 * the bytes cannot tell: that an {@code .AAE} or {@code .xmp} is a sidecar, and that a video is the
 * moving half of a live photo because a photo with the same base name lies beside it
 * ({@code IMG_1234.HEIC} + {@code IMG_1234.MOV} or {@code IMG_1234_HEVC.MOV}).
 */
public final class FileKinds {

    public enum Kind {
        IMAGE(null),
        LIVE_PHOTO_VIDEO(LIVE_PHOTO_VIDEO_REASON),
        SIDECAR(SIDECAR_REASON),
        VIDEO(VIDEO_REASON),
        /** An image in a format the imaging core does not read (BMP, JPEG XL, SVG, …). */
        UNSUPPORTED_IMAGE(UNSUPPORTED_IMAGE_REASON),
        OTHER(NOT_AN_IMAGE_REASON);

        private final String skipReason;

        Kind(String skipReason) {
            this.skipReason = skipReason;
        }

        /** The reason a skipped file of this kind is counted under; null for {@link #IMAGE}. */
        public String skipReason() {
            return skipReason;
        }
    }

    /** Skip reasons, short and stable so they can be counted (see {@code FileSkipped.reason}). */
    public static final String LIVE_PHOTO_VIDEO_REASON = "live-photo video";
    public static final String SIDECAR_REASON = "sidecar";
    public static final String VIDEO_REASON = "video not supported";
    public static final String NOT_AN_IMAGE_REASON = "not an image";
    public static final String UNSUPPORTED_IMAGE_REASON = "unsupported image format";
    public static final String EMPTY_REASON = "empty file";
    /** A WebDAV file held under a temporary or hidden name: never announced as such (see {@link #isLitter}). */
    public static final String HELD_REASON = "temporary or hidden name: taken when it is renamed";
    /** A WebDAV file held in a hidden or NAS system folder ({@link #isLitterFolder}): the folder sources' rule, at the other door. */
    public static final String FOLDER_HELD_REASON = "in a hidden or NAS system folder: taken when it is moved out";

    /** Folders no photo lives in: Synology and QNAP metadata and recycle bins. Dot-folders too ({@link #isLitterFolder}). */
    private static final Set<String> IGNORED_FOLDERS = Set.of("@eadir", "#recycle", "#snapshot", "@recycle");

    private static final Set<String> IGNORED_FILES = Set.of("thumbs.db", "desktop.ini");
    /** Files still being written by a download, sync or upload tool, renamed when complete. */
    private static final List<String> PARTIAL_SUFFIXES = List.of(".part", ".partial", ".tmp", ".download",
            ".crdownload", ".filepart", "@synoeastream", "@synoresource");

    private static final Set<String> SIDECAR_EXTENSIONS = Set.of("aae", "xmp", "thm");
    private static final Set<String> VIDEO_EXTENSIONS = Set.of("mov", "mp4", "m4v", "3gp", "avi", "mkv", "mts",
            "m2ts", "webm", "hevc", "wmv", "mpg", "mpeg");
    /** Extensions of the still half of a live photo (what a phone or an iCloud tool writes beside the video). */
    private static final Set<String> PHOTO_EXTENSIONS = Set.of("heic", "heif", "jpg", "jpeg", "png", "dng", "avif",
            "tif", "tiff", "webp", "gif");
    /** Suffixes iCloud tools add to the video's base name: icloudpd {@code _HEVC}, icloud-photos-sync {@code -live}. */
    private static final String[] VIDEO_SUFFIXES = {"_hevc", "-live"};

    private FileKinds() {
    }

    /**
     * What a file is, from its name, what its bytes look like and its neighbours.
     *
     * @param name       the file's own name (last path segment)
     * @param detected   what {@link MagicBytes} made of its first bytes
     * @param siblingExists answers whether a file of the given name (exact, case-sensitive) lies in the
     *                   same folder; used only to pair a video with its photo. May be null (no neighbours known).
     */
    public static Kind of(String name, MagicBytes.Detected detected, Predicate<String> siblingExists) {
        if (detected != null && detected.kind() == MagicBytes.Kind.IMAGE) {
            return Kind.IMAGE;
        }
        String extension = extension(name);
        if (SIDECAR_EXTENSIONS.contains(extension)) {
            return Kind.SIDECAR;
        }
        boolean videoBytes = detected != null && detected.contentType() != null
                && detected.contentType().startsWith("video/");
        if (videoBytes || VIDEO_EXTENSIONS.contains(extension)) {
            return livePhotoPartner(name, siblingExists) ? Kind.LIVE_PHOTO_VIDEO : Kind.VIDEO;
        }
        if (detected != null && detected.kind() == MagicBytes.Kind.UNSUPPORTED_IMAGE) {
            return Kind.UNSUPPORTED_IMAGE; // as the upload API's refusal says, not "not an image"
        }
        return Kind.OTHER;
    }

    /**
     * The same decision from the name alone, before any byte is read (a scanner uses it to avoid
     * hashing a 2 GB video). Never answers {@link Kind#IMAGE} for certain: a name that might be an
     * image answers {@code null}, and the bytes must decide.
     */
    public static Kind byName(String name, Predicate<String> siblingExists) {
        String extension = extension(name);
        if (SIDECAR_EXTENSIONS.contains(extension)) {
            return Kind.SIDECAR;
        }
        if (VIDEO_EXTENSIONS.contains(extension)) {
            return livePhotoPartner(name, siblingExists) ? Kind.LIVE_PHOTO_VIDEO : Kind.VIDEO;
        }
        return null;
    }

    /**
     * Whether a name is the litter of NAS boxes, desktops and download or sync tools, never a photo
     * under that name: dot-files, {@code Thumbs.db}, and a file still being written under a temporary
     * name ({@code IMG_1.HEIC.part}, rclone's {@code IMG_1.jpg.3f9a1c0d.partial}), which its writer
     * renames when complete (FIELD-NOTES "Folder sources on NFS/SMB mounts"). Folder sources leave
     * such files alone; WebDAV keeps them for their client and takes them when they are renamed.
     */
    /**
     * Whether a folder holds no photos of its own, only what NAS boxes, desktops and phones keep beside them:
     * dot-folders ({@code .thumbnails}, {@code .Trash-1000}), Synology's {@code @eaDir} thumbnails, the recycle
     * bins and snapshots. Folder sources never enter one; WebDAV keeps what is put in one for its client.
     */
    public static boolean isLitterFolder(String name) {
        return name.startsWith(".") || IGNORED_FOLDERS.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Why a file at a {@code /}-separated path is kept but never a photo there: a litter name ({@link #HELD_REASON}),
     * a folder on its way that is litter ({@link #FOLDER_HELD_REASON}), or empty when it may be a photo.
     */
    public static Optional<String> heldReason(String path) {
        String[] segments = path.split("/");
        int last = segments.length - 1;
        while (last >= 0 && segments[last].isEmpty()) {
            last--;
        }
        if (last < 0) {
            return Optional.empty();
        }
        for (int i = 0; i < last; i++) {
            if (!segments[i].isEmpty() && isLitterFolder(segments[i])) {
                return Optional.of(FOLDER_HELD_REASON);
            }
        }
        return isLitter(segments[last]) ? Optional.of(HELD_REASON) : Optional.empty();
    }

    public static boolean isLitter(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return name.startsWith(".") || IGNORED_FILES.contains(lower) || isPartial(name);
    }

    /** A file a download, sync or upload tool is still writing, renamed when complete ({@code IMG_1.JPG.part}). */
    public static boolean isPartial(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return PARTIAL_SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    /** Whether a photo with this video's base name lies beside it. */
    public static boolean livePhotoPartner(String name, Predicate<String> siblingExists) {
        if (siblingExists == null) {
            return false;
        }
        String base = baseName(name);
        String lower = base.toLowerCase(Locale.ROOT);
        for (String suffix : VIDEO_SUFFIXES) {
            if (lower.endsWith(suffix) && hasPhoto(base.substring(0, base.length() - suffix.length()), siblingExists)) {
                return true;
            }
        }
        return hasPhoto(base, siblingExists);
    }

    private static boolean hasPhoto(String base, Predicate<String> siblingExists) {
        if (base.isEmpty()) {
            return false;
        }
        for (String extension : PHOTO_EXTENSIONS) {
            if (siblingExists.test(base + "." + extension)
                    || siblingExists.test(base + "." + extension.toUpperCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** Lower-case extension without the dot; empty when there is none. */
    static String extension(String name) {
        int dot = name == null ? -1 : name.lastIndexOf('.');
        return dot < 0 || dot == name.length() - 1 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String baseName(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? name : name.substring(0, dot);
    }
}
