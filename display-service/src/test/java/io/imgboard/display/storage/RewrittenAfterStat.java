package io.imgboard.display.storage;

import io.imgboard.display.config.S3Config;
import io.imgboard.display.support.Renditions;

import java.util.Optional;
import java.util.UUID;

/**
 * The real store, except that right after its next {@link #stat} the object is written again with
 * other bytes: a reprocess landing between a request's look at a rendition and its read of it.
 */
public class RewrittenAfterStat extends RenditionStore {
    private volatile byte[] next;

    public RewrittenAfterStat(S3Config s3) {
        super(s3);
    }

    /** The bytes the rendition is written with after the next stat. */
    public void rewriteAfterNextStat(byte[] webp) {
        next = webp;
    }

    @Override
    public Optional<RenditionInfo> stat(UUID photoId, String rendition) {
        Optional<RenditionInfo> seen = super.stat(photoId, rendition);
        byte[] webp = next;
        if (webp != null) {
            next = null;
            try {
                Renditions.put(photoId, rendition, webp);
            } catch (Exception e) {
                throw new IllegalStateException("cannot write the rendition again", e);
            }
        }
        return seen;
    }
}
