package io.imgboard.display.storage;

/**
 * @param etag strong HTTP entity tag, quoted: the S3 ETag (object content never changes for a key)
 * @param size bytes, or -1 when the server did not say
 * @param lastModified when the object was written, or null when the server did not say
 */
public record RenditionInfo(String etag, long size, java.time.Instant lastModified) {

    static String strongEtag(String s3Etag) {
        if (s3Etag == null || s3Etag.isBlank()) {
            return null;
        }
        String bare = s3Etag.strip();
        if (bare.startsWith("W/")) {
            bare = bare.substring(2);
        }
        if (bare.length() >= 2 && bare.startsWith("\"") && bare.endsWith("\"")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        return "\"" + bare + "\"";
    }
}
