package io.imgboard.ledger.messaging;

import io.imgboard.events.ProcessingResult;
import io.imgboard.ledger.service.Deliveries;
import io.imgboard.ledger.service.PhotoMdc;
import io.imgboard.ledger.service.ProcessingResults;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code imgboard.processing-results} → the ledger; poison records go to {@code imgboard.dead-letter}. */
@ApplicationScoped
class ProcessingResultConsumer {
    private final Deliveries deliveries;
    private final ProcessingResults results;

    ProcessingResultConsumer(Deliveries deliveries, ProcessingResults results) {
        this.deliveries = deliveries;
        this.results = results;
    }

    @Incoming(Channels.PROCESSING_RESULTS)
    @Transactional
    void consume(ProcessingResult result) {
        if (result == null) {
            Log.warn("empty record on imgboard.processing-results ignored");
            return;
        }
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
