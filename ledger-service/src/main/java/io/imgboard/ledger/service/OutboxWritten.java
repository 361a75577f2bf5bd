package io.imgboard.ledger.service;

/** Fired (CDI) when an outbox row is written; observed after the transaction commits to relay it at once. */
public record OutboxWritten(String topic) {
}
