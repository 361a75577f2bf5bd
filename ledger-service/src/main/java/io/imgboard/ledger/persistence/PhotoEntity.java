package io.imgboard.ledger.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A distinct photo (by content). Never leaves this package: services map it to records. */
@Entity
@Table(name = "photo")
public class PhotoEntity {
    @Id
    public UUID id;
    public String sha256;
    @Enumerated(EnumType.STRING)
    public PhotoStatus status;
    @Column(name = "original_key")
    public String originalKey;
    @Column(name = "content_type")
    public String contentType;
    public long size;
    @Column(name = "file_modified_at")
    public Instant fileModifiedAt;
    @Column(name = "last_request_id")
    public UUID lastRequestId;

    public Integer width;
    public Integer height;
    public String format;
    @Column(name = "captured_at")
    public Instant capturedAt;
    @Column(name = "captured_local_time")
    public String capturedLocalTime;
    @Column(name = "captured_offset")
    public String capturedOffset;
    @Column(name = "camera_make")
    public String cameraMake;
    @Column(name = "camera_model")
    public String cameraModel;
    @Column(name = "perceptual_hash")
    public String perceptualHash;
    public String placeholder;
    @JdbcTypeCode(SqlTypes.JSON)
    public List<StoredRendition> renditions = new ArrayList<>();

    @Column(name = "failure_reason")
    public String failureReason;
    @Column(name = "failure_permanent")
    public Boolean failurePermanent;
    @Column(name = "failed_at")
    public Instant failedAt;

    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
