package io.imgboard.display.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.Settings;
import io.imgboard.display.service.frames.FrameDefinition;
import io.imgboard.display.service.frames.FrameFilter;
import io.imgboard.display.service.frames.Frames;
import io.imgboard.events.SettingsChanged;
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
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The frame settings on the compacted {@code imgboard.settings} topic, keyed by section: written when
 * an admin saves, and read from the beginning by every instance, so saved settings come back after a
 * restart and reach every display. Ours are the {@code frames} section (the display's settings) and one
 * {@code frame:<name>} section per named frame ({@code values}: {@code settings} and {@code filter}, each
 * as JSON; a tombstone deletes the frame); other sections are skipped.
 */
@ApplicationScoped
class SettingsTopic implements Settings.Store, Frames.Store {
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

    private final Frames frames;
    private final SettingsLoading loading;

    SettingsTopic(Settings settings, Frames frames, @Channel(Channels.SETTINGS_OUT) MutinyEmitter<String> out,
                  ObjectMapper json, @Identifier(Channels.SETTINGS_LOADING) SettingsLoading loading) {
        this.settings = settings;
        this.loading = loading;
        this.frames = frames;
        this.out = out;
        this.json = json;
    }

    void register(@Observes StartupEvent start) {
        settings.storeWith(this);
        frames.storeWith(this);
    }

    @Override
    public void save(FrameDefinition frame) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            values.put("settings", json.writeValueAsString(frame.settings()));
            values.put("filter", json.writeValueAsString(frame.filter()));
            String section = Frames.SECTION_PREFIX + frame.name();
            send(section, json.writeValueAsString(new SettingsChanged(UUID.randomUUID(), Instant.now(), section, values)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a frame could not be written as JSON", e);
        }
    }

    @Override
    public void delete(String name) {
        send(Frames.SECTION_PREFIX + name, null);
    }

    private void send(String key, String value) {
        Message<String> message = Message.of(value, Metadata.of(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key).build()));
        try {
            out.sendMessage(message).await().atMost(SEND_TIMEOUT);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka did not take the frame: " + e.getMessage(), e);
        }
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
    void onRecord(ConsumerRecord<String, String> record) {
        if (!loading.isNew(record.topic(), record.partition(), record.offset())) {
            return; // applied before a rebalance, delivered again after it
        }
        try {
            read(record);
        } finally {
            loading.read(record.topic(), record.partition(), record.offset());
        }
    }

    private void read(ConsumerRecord<String, String> record) {
        String value = record.value();
        String key = record.key();
        if (key != null && key.startsWith(Frames.SECTION_PREFIX)) {
            onFrame(key.substring(Frames.SECTION_PREFIX.length()), value);
            return;
        }
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

    private void onFrame(String name, String value) {
        if (!Frames.validName(name)) {
            Log.warnf("skipping a frame record with a name no frame can have: %s", name);
            return;
        }
        if (value == null) {
            frames.apply(name, null);
            return;
        }
        try {
            SettingsChanged changed = json.readValue(value, SettingsChanged.class);
            Map<String, String> values = changed.values() == null ? Map.of() : changed.values();
            Map<String, String> overrides = values.get("settings") == null ? Map.of()
                    : json.readValue(values.get("settings"), new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {
                    });
            FrameFilter filter = values.get("filter") == null ? FrameFilter.NONE
                    : json.readValue(values.get("filter"), FrameFilter.class);
            frames.apply(name, new FrameDefinition(name, overrides, filter));
        } catch (JsonProcessingException | RuntimeException e) {
            Log.warnf("skipping frame %s: its record cannot be read (%s)", name, e.getMessage());
        }
    }
}
