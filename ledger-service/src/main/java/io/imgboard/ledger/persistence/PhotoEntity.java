package io.imgboard.ledger.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A distinct photo (by content). Never leaves this package: services map it to records. An update
 * writes only the columns its transaction changed ({@link DynamicUpdate}): a change to the processing
 * state never writes back an operator's hide or delete as it was read.
 */
@Entity
@DynamicUpdate
@Table(name = "photo")
public class PhotoEntity {
    @Id
    public UUID id;
    public String sha256;
    @Enumerated(EnumType.STRING)
    public PhotoStatus status;
    public String originalKey;
    public String contentType;
    public long size;
    public Instant fileModifiedAt;
    public UUID lastRequestId;
    /** The file name as first seen; fixed for the photo's life. */
    public String name;

    public boolean hidden;
    public Instant retiredAt;
    public Instant deletedAt;

    /** Set while a processing request is unanswered. */
    public Instant requestedAt;
    /** Set while a temporary failure waits for its next request. */
    public Instant nextRetryAt;
    /** When the current run of temporary failures began. */
    public Instant firstFailedAt;
    public int retryCount;

    /** The photo this content is a near-duplicate of (status TWIN), or null. */
    public UUID twinOf;
    /** The content the renditions are made from when a better twin's original is used; null = this one's. */
    public String renderedSha256;
    /**
     * The photo whose file this content replaced in place, while this content is being made: that photo
     * goes only if this one turns out not to be the same shot (see {@code ProcessingResults}).
     */
    public UUID replaces;
    /** Split off a photo by an operator: never matched as a twin again. */
    public boolean neverTwin;
    /**
     * When its own last file was removed or written over with {@code onDelete: retire} while a twin's files
     * kept it on the frames; null while it has files of its own, or when its last one went with {@code keep}.
     */
    public Instant orphanedAt;
    /** {@link #perceptualHash} as a number (indexed by 16-bit bands for the twin look-up). */
    public Long phash;

    public Integer width;
    public Integer height;
    public String format;
    public Instant capturedAt;
    public String capturedLocalTime;
    public String capturedOffset;
    public String cameraMake;
    public String cameraModel;
    public String perceptualHash;
    public String placeholder;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<StoredRendition> renditions = new ArrayList<>();

    public String failureReason;
    public Boolean failurePermanent;
    public Instant failedAt;

    public Instant createdAt;
    public Instant updatedAt;

    /** Frames show it: rendered, not hidden, retired or deleted (twins are never shown on their own). */
    public boolean visible() {
        return status == PhotoStatus.READY && !hidden && retiredAt == null && deletedAt == null;
    }

    public long pixels() {
        return width == null || height == null ? 0 : (long) width * height;
    }
}
