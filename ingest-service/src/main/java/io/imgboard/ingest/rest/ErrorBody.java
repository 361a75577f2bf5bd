package io.imgboard.ingest.rest;

/** Every error this service answers with (conventions.md): a sentence for a person and the status. */
public record ErrorBody(String error, int status) {
}
