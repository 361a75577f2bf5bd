package io.imgboard.ledger.messaging;

import io.imgboard.events.FileEvent;
import io.imgboard.ledger.service.Deliveries;
import io.imgboard.ledger.service.FileEvents;
import io.imgboard.ledger.service.PhotoMdc;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.util.concurrent.CompletionStage;

/**
 * {@code imgboard.files} → the ledger, one record at a time and in order. Records that cannot be read
 * or that break the contract go to {@code imgboard.dead-letter}; temporary failures are retried
 * ({@link InboundEvents}).
 */
@ApplicationScoped
class FileEventConsumer {
    private final InboundEvents inbound;
    private final Deliveries deliveries;
    private final FileEvents files;

    FileEventConsumer(InboundEvents inbound, Deliveries deliveries, FileEvents files) {
        this.inbound = inbound;
        this.deliveries = deliveries;
        this.files = files;
    }

    // No @Transactional here: InboundEvents runs each attempt in a transaction of its own.
    @Incoming(Channels.FILES)
    @Blocking
    CompletionStage<Void> consume(Message<FileEvent> message) {
        FileEvent event = message.getPayload();
        if (event == null) {
            Log.warn("empty record on imgboard.files ignored");
            return message.ack();
        }
        return inbound.apply(message, event.getClass().getSimpleName() + " " + event.eventId(), () -> apply(event));
    }

    private void apply(FileEvent event) {
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
