package io.imgboard.display.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.Settings;
import io.imgboard.events.SettingsChanged;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * The frame settings on the compacted {@code imgboard.settings} topic, keyed by section: written when
 * an admin saves, and read from the beginning by every instance, so saved settings come back after a
 * restart and reach every display. Only the {@code frames} section is ours; other sections are skipped.
 */
@ApplicationScoped
class SettingsTopic implements Settings.Store {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);

    private final Settings settings;
    private final MutinyEmitter<String> out;
    private final ObjectMapper json;
    /**
     * Ids of records this instance wrote and has not read back yet. Ours were applied when the broker
     * acknowledged them, so reading back an older one (after a newer save) must not undo the newer.
     */
    private final java.util.Set<UUID> unreadOwn = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile UUID lastOwn;

    SettingsTopic(Settings settings, @Channel(Channels.SETTINGS_OUT) MutinyEmitter<String> out, ObjectMapper json) {
        this.settings = settings;
        this.out = out;
        this.json = json;
    }

    void register(@Observes StartupEvent start) {
        settings.storeWith(this);
    }

    @Override
    public void save(FrameSettings next) {
        String value;
        UUID eventId = UUID.randomUUID();
        try {
            value = json.writeValueAsString(new SettingsChanged(eventId, Instant.now(), FrameSettings.SECTION,
                    next.toValues()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("settings could not be written as JSON", e);
        }
        Message<String> message = Message.of(value, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(FrameSettings.SECTION).build()));
        unreadOwn.add(eventId);
        lastOwn = eventId;
        try {
            out.sendMessage(message).await().atMost(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            unreadOwn.remove(eventId);
            throw new IllegalStateException("Kafka did not take the settings: " + e.getMessage(), e);
        }
    }

    /** Values arrive as strings, like the catalog's, so a bad record is a warning, never a stuck channel. */
    @Incoming(Channels.SETTINGS)
    void onRecord(String value) {
        if (value == null) {
            return;
        }
        SettingsChanged changed;
        try {
            changed = json.readValue(value, SettingsChanged.class);
        } catch (JsonProcessingException e) {
            Log.warnf("skipping a settings record that is not a SettingsChanged: %s", e.getOriginalMessage());
            return;
        }
        if (!FrameSettings.SECTION.equals(changed.section())) {
            return;
        }
        if (changed.eventId() != null && unreadOwn.remove(changed.eventId()) && !changed.eventId().equals(lastOwn)) {
            return; // an older save of ours, already superseded here
        }
        settings.apply(FrameSettings.fromValues(changed.values()));
    }
}
