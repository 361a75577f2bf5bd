package io.imgboard.ledger.messaging;

import io.imgboard.events.FileEvent;
import io.imgboard.ledger.service.Deliveries;
import io.imgboard.ledger.service.FileEvents;
import io.imgboard.ledger.service.PhotoMdc;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * {@code imgboard.files} → the ledger. Records that cannot be read or applied go to
 * {@code imgboard.dead-letter} (application.properties) and the partition moves on.
 */
@ApplicationScoped
class FileEventConsumer {
    private final Deliveries deliveries;
    private final FileEvents files;

    FileEventConsumer(Deliveries deliveries, FileEvents files) {
        this.deliveries = deliveries;
        this.files = files;
    }

    @Incoming(Channels.FILES)
    @Transactional
    void consume(FileEvent event) {
        if (event == null) {
            Log.warn("empty record on imgboard.files ignored");
            return;
        }
        try {
            if (!deliveries.firstDelivery(event.eventId())) {
                Log.debugf("file event %s already handled", event.eventId());
                return;
            }
            files.handle(event);
        } finally {
            PhotoMdc.clear();
        }
    }
}
