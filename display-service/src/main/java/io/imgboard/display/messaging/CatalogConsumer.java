package io.imgboard.display.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.service.InvalidCatalogRecordException;
import io.imgboard.display.service.MediaPaths;
import io.imgboard.display.service.Playlist;
import io.imgboard.display.service.PlaylistEvent;
import io.imgboard.events.PhotoPublished;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.MDC;

import java.util.UUID;
import java.util.concurrent.CompletionStage;

/**
 * Reads {@code imgboard.catalog} into the {@link Playlist}.
 *
 * <p>Values arrive as strings and are parsed here rather than by a JSON deserializer, so a
 * tombstone (null value: retire the photo) can never be confused with a record that failed to
 * parse. A record that cannot be used is nacked; the channel's dead-letter strategy sends it
 * to {@code imgboard.dead-letter} and reading goes on.
 */
@ApplicationScoped
class CatalogConsumer {
    private final Playlist playlist;
    private final CatalogLoading loading;
    private final ObjectMapper json;

    CatalogConsumer(Playlist playlist, @Identifier(Channels.CATALOG_LOADING) CatalogLoading loading, ObjectMapper json) {
        this.playlist = playlist;
        this.loading = loading;
        this.json = json;
    }

    /**
     * Acks what it applied and nacks what it cannot use (the dead-letter strategy takes it from
     * there), returning rather than throwing so a poison record costs one warning, not a stack trace.
     */
    @Incoming(Channels.CATALOG)
    @SuppressWarnings("unchecked")
    CompletionStage<Void> onRecord(Message<String> message) {
        ConsumerRecord<String, String> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> (ConsumerRecord<String, String>) metadata.getRecord())
                .orElseThrow(() -> new IllegalStateException("catalog message without Kafka metadata"));
        if (!loading.isNew(record.topic(), record.partition(), record.offset())) {
            return message.ack(); // applied before a rebalance, delivered again after it
        }
        MDC.put("photoId", String.valueOf(record.key()));
        try {
            apply(record);
            return message.ack();
        } catch (InvalidCatalogRecordException e) {
            Log.warnf("catalog record %s-%d@%d goes to the dead-letter topic: %s", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
            return message.nack(e);
        } finally {
            MDC.remove("photoId");
            playlist.read(record.offset(), record.timestamp());
            // Counts as read whether it was applied or dead-lettered: loading is about position.
            loading.read(record.topic(), record.partition(), record.offset());
        }
    }

    private void apply(ConsumerRecord<String, String> record) {
        UUID photoId = MediaPaths.photoId(record.key()).orElseThrow(() -> new InvalidCatalogRecordException(
                "key is not a photo id: " + record.key()));
        if (record.value() == null) {
            playlist.retire(photoId, record.offset()).ifPresent(c -> logChange("retired", c));
            return;
        }
        PhotoPublished published = parse(record.value());
        if (!photoId.equals(published.photoId())) {
            throw new InvalidCatalogRecordException("key " + photoId + " does not match photoId " + published.photoId());
        }
        playlist.publish(published, record.offset()).ifPresent(c -> logChange("published", c));
    }

    /**
     * A line per change once the catalog is loaded; while it loads, only at DEBUG: a display that starts
     * on a library of a million photos would otherwise write a million lines before it is ready
     * (the loaded line gives the count).
     */
    private void logChange(String what, PlaylistEvent change) {
        // The photo id is in the MDC (onRecord), which the line format prints before the message.
        if (playlist.isLoaded()) {
            Log.infof("photo %s (seq %d)", what, change.seq());
        } else {
            Log.debugf("photo %s (seq %d)", what, change.seq());
        }
    }

    private PhotoPublished parse(String value) {
        try {
            return json.readValue(value, PhotoPublished.class);
        } catch (JsonProcessingException e) {
            throw new InvalidCatalogRecordException("not a PhotoPublished: " + e.getOriginalMessage(), e);
        }
    }
}
