package io.imgboard.ledger.messaging;

import io.imgboard.events.ProcessingResult;
import io.imgboard.ledger.service.Deliveries;
import io.imgboard.ledger.service.PhotoMdc;
import io.imgboard.ledger.service.ProcessingResults;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletionStage;

/**
 * {@code imgboard.processing-results} → the ledger, one record at a time and in order. Poison records go
 * to {@code imgboard.dead-letter}; temporary failures are retried ({@link InboundEvents}).
 */
@ApplicationScoped
class ProcessingResultConsumer {
    private final InboundEvents inbound;
    private final Deliveries deliveries;
    private final ProcessingResults results;

    ProcessingResultConsumer(InboundEvents inbound, Deliveries deliveries, ProcessingResults results) {
        this.inbound = inbound;
        this.deliveries = deliveries;
        this.results = results;
    }

    // No @Transactional here: InboundEvents runs each attempt in a transaction of its own.
    @Incoming(Channels.PROCESSING_RESULTS)
    @Blocking
    CompletionStage<Void> consume(Message<ProcessingResult> message) {
        ProcessingResult result = message.getPayload();
        if (result == null) {
            Log.warn("empty record on imgboard.processing-results ignored");
            return message.ack();
        }
        return inbound.apply(message, result.getClass().getSimpleName() + " " + result.eventId(), () -> apply(result));
    }

    private void apply(ProcessingResult result) {
        try {
            if (!deliveries.firstDelivery(result.eventId())) {
                Log.debugf("processing result %s already handled", result.eventId());
                return;
            }
            results.handle(result);
        } finally {
            PhotoMdc.clear();
        }
    }
}
