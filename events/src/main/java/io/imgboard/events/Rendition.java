package io.imgboard.events;

import java.util.UUID;

/**
 * One stored WebP rendition.
 *
 * @param key   object key in the renditions bucket: {@code renditions/<photoId>/<name>.webp}
 * @param bytes size of the object
 */
public record Rendition(String name, String key, int width, int height, long bytes) {

    /**
     * The object key of a photo's rendition, the one rule every service keys renditions by: the
     * preprocessor writes there, the display reads there, the ledger takes back a deletion of it when
     * the photo is rendered again (DESIGN.md, "Objects").
     */
    public static String keyFor(UUID photoId, String name) {
        return "renditions/" + photoId + "/" + name + ".webp";
    }
}
