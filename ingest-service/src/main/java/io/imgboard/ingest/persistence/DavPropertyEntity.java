package io.imgboard.ingest.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A dead property set by PROPPATCH; {@code value} is the element's content as XML. */
@Entity
@Table(name = "dav_property")
public class DavPropertyEntity {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    public Long entryId;
    public String namespace;
    public String name;
    public String value;
}
