package io.imgboard.display.service.frames;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.messaging.BagsReading;
import io.imgboard.display.messaging.Channels;
import io.imgboard.events.Topics;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.time.Duration;

/**
 * Frames' bag positions on the compacted {@link Topics#FRAME_BAGS}, keyed by frame name: written by
 * {@link FrameBags} every few seconds at most, read from the beginning by every instance (own group,
 * nothing committed), so a restarted or another instance continues each frame's bag. A rebalance
 * reads on from where this instance was ({@link BagsReading}), so old positions are not applied again.
 */
@ApplicationScoped
class BagTopic implements FrameBags.Store {
    static final String IN = "frame-bags";
    static final String OUT = "frame-bags-out";
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final FrameBags bags;
    private final MutinyEmitter<String> out;
    private final ObjectMapper json;
    private final BagsReading reading;

    BagTopic(FrameBags bags, @Channel(OUT) MutinyEmitter<String> out, ObjectMapper json,
              @Identifier(Channels.FRAME_BAGS_READING) BagsReading reading) {
        this.bags = bags;
        this.out = out;
        this.json = json;
        this.reading = reading;
    }

    void register(@Observes StartupEvent start) {
        bags.storeWith(this);
    }

    @Override
    public void save(String frame, BagState state) {
        String value;
        try {
            value = state == null ? null : json.writeValueAsString(state);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a bag state could not be written as JSON", e);
        }
        Message<String> message = Message.of(value, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(frame).build()));
        out.sendMessage(message).await().atMost(SEND_TIMEOUT);
    }

    @Incoming(IN)
    void onRecord(ConsumerRecord<String, String> record) {
        if (!reading.isNew(record.topic(), record.partition(), record.offset())) {
            return;
        }
        reading.read(record.topic(), record.partition(), record.offset());
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            bags.apply(record.key(), null);
            return;
        }
        try {
            bags.apply(record.key(), json.readValue(record.value(), BagState.class));
        } catch (JsonProcessingException e) {
            Log.warnf("skipping a frame-bag record that is not a bag state: %s", e.getOriginalMessage());
        }
    }
}
