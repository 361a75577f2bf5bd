package io.imgboard.ingest.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A device allowed to upload with a token of its own; only the token's SHA-256 is stored. */
@Entity
@Table(name = "device")
public class DeviceEntity {
    @Id
    public String name;
    public String tokenSha256;
    public Instant createdAt;
    public Instant lastUsedAt;
    public long uploads;
}
