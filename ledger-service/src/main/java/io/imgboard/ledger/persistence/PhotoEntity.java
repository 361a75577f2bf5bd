package io.imgboard.ledger.persistence;

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
    public String originalKey;
    public String contentType;
    public long size;
    public Instant fileModifiedAt;
    public UUID lastRequestId;

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
}
