package io.imgboard.ledger.rest;

/** Every error this service answers: {@code {"error": "<for a person>", "status": <code>}}. */
public record ErrorBody(String error, int status) {
}
