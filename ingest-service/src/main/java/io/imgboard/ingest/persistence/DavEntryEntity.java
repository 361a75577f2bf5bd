package io.imgboard.ingest.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A file or collection in a principal's WebDAV tree (see V2__devices_and_dav.sql). */
@Entity
@Table(name = "dav_entry")
public class DavEntryEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public String principal;
    public String path;
    public String parent;
    public boolean collection;
    public long size;
    public String sha256;
    public String contentType;
    public Instant createdAt;
    public Instant modifiedAt;
    public String outcome;
    public String reason;
}
