package io.imgboard.ledger.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A place, (source, path), where a photo was seen. */
@Entity
@Table(name = "origin")
public class OriginEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public UUID photoId;
    public String sourceId;
    public String path;
    public String name;
    /** The device token the file came through, or null. */
    public String deviceId;
    public Instant firstSeenAt;
    public Instant lastSeenAt;
}
