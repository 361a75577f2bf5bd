package io.imgboard.ledger.service;

import io.imgboard.ledger.persistence.HandledEventRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.Instant;
import java.util.UUID;

/** "Have I handled this event?": the first step of every consumer (Kafka delivers at least once). */
@ApplicationScoped
public class Deliveries {
    private final HandledEventRepository handled;

    Deliveries(HandledEventRepository handled) {
        this.handled = handled;
    }

    /**
     * Marks the event handled in the caller's transaction, so the mark and the event's effects
     * commit together.
     *
     * @return true the first time this event id is seen; false for a redelivery
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean firstDelivery(UUID eventId) {
        if (eventId == null) {
            throw new InvalidEventException("event without eventId");
        }
        return handled.markHandled(eventId, Instant.now());
    }
}
