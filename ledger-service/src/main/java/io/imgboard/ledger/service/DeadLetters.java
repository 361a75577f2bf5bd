package io.imgboard.ledger.service;

import io.imgboard.ledger.persistence.DeadLetterRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Poison records of every service ({@code imgboard.dead-letter}), stored so the ops page can list
 * them, and replayable: re-published to their original topic, under their original key, through the
 * outbox (an operator fixed the cause, or a bug was fixed).
 */
@ApplicationScoped
public class DeadLetters {
    static final int MAX_SHOWN_PAYLOAD = 64 * 1024;

    /** One dead letter as the API shows it; {@code payload} as text when it is UTF-8, else null. */
    public record View(long id, String topic, Integer partition, Long offset, String key, String payload,
                       int payloadBytes, String reason, String cause, Instant receivedAt, Instant replayedAt) {
    }

    /** What was stored from one dead-letter record. */
    public record Incoming(int dlqPartition, long dlqOffset, String topic, Integer sourcePartition, Long sourceOffset,
                           byte[] key, byte[] payload, String reason, String cause) {
    }

    private final DeadLetterRepository rows;
    private final Outbox outbox;

    DeadLetters(DeadLetterRepository rows, Outbox outbox) {
        this.rows = rows;
        this.outbox = outbox;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void store(Incoming record) {
        boolean added = rows.add(record.dlqPartition(), record.dlqOffset(), EventChecks.cleanText(record.topic(), 255),
                record.sourcePartition(), record.sourceOffset(), record.key(), record.payload(),
                EventChecks.cleanText(record.reason(), 4000), EventChecks.cleanText(record.cause(), 4000),
                Instant.now());
        if (added) {
            Log.warnf("dead letter from %s stored: %s", record.topic(), EventChecks.cleanText(record.reason(), 300));
        }
    }

    @Transactional
    public List<View> newest(int limit) {
        return rows.newest(limit).stream().map(DeadLetters::view).toList();
    }

    /**
     * Publishes the record again to its original topic (outbox, same transaction as the mark).
     *
     * @return empty when there is no such dead letter
     * @throws IllegalStateException when it cannot be replayed (no original topic, not text)
     */
    @Transactional
    public Optional<View> replay(long id) {
        return rows.lock(id).map(row -> {
            if (row.topic() == null || row.topic().isBlank()) {
                throw new IllegalStateException("dead letter " + id + " does not name its original topic");
            }
            String payload = row.payload() == null ? null : utf8(row.payload());
            if (row.payload() != null && payload == null) {
                throw new IllegalStateException("dead letter " + id + " is not text; it cannot be replayed");
            }
            String key = row.key() == null ? null : new String(row.key(), StandardCharsets.UTF_8);
            outbox.addRaw(row.topic(), key, payload);
            Instant now = Instant.now();
            rows.replayed(id, now);
            Log.infof("dead letter %d replayed to %s", id, row.topic());
            return view(new DeadLetterRepository.Row(row.id(), row.topic(), row.sourcePartition(), row.sourceOffset(),
                    row.key(), row.payload(), row.reason(), row.cause(), row.receivedAt(), now));
        });
    }

    private static View view(DeadLetterRepository.Row row) {
        String payload = row.payload() == null ? null : utf8(row.payload());
        if (payload != null && payload.length() > MAX_SHOWN_PAYLOAD) {
            payload = payload.substring(0, MAX_SHOWN_PAYLOAD) + "…";
        }
        return new View(row.id(), row.topic(), row.sourcePartition(), row.sourceOffset(),
                row.key() == null ? null : new String(row.key(), StandardCharsets.UTF_8), payload,
                row.payload() == null ? 0 : row.payload().length, row.reason(), row.cause(), row.receivedAt(),
                row.replayedAt());
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
