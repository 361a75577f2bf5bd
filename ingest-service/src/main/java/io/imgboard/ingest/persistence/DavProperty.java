package io.imgboard.ingest.persistence;

/** A dead property: its namespace URI ("" for none), local name and content as XML. */
public record DavProperty(String namespace, String name, String value) {
}
