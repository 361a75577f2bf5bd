package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Records from {@code imgboard.dead-letter}, kept for the ops page and for replay ({@code dead_letter}). */
@ApplicationScoped
public class DeadLetterRepository {

    public record Row(long id, String topic, Integer sourcePartition, Long sourceOffset, byte[] key, byte[] payload,
                      String reason, String cause, Instant receivedAt, Instant replayedAt) {
    }

    private static final String COLUMNS = "id, topic, source_partition, source_offset, message_key, payload, reason, cause,"
            + " received_at, replayed_at";

    /**
     * @return false when this dead-letter record (partition, offset) was stored before, or another one of the
     *         same original record (topic, partition, offset): a poison record is dead-lettered again when its
     *         consumer gets it again after a restart or a rebalance (its offset was seen uncommitted until a later
     *         record on its partition was acknowledged), and the ops page must count it once
     */
    public boolean add(int dlqPartition, long dlqOffset, String topic, Integer sourcePartition, Long sourceOffset,
                       byte[] key, byte[] payload, String reason, String cause, Instant at) {
        if (topic != null && sourcePartition != null && sourceOffset != null
                && ((Number) Panache.getEntityManager().createNativeQuery("""
                        SELECT count(*) FROM dead_letter
                        WHERE topic = :topic AND source_partition = :sourcePartition AND source_offset = :sourceOffset""")
                .setParameter("topic", topic).setParameter("sourcePartition", sourcePartition)
                .setParameter("sourceOffset", sourceOffset).getSingleResult()).longValue() > 0) {
            return false;
        }
        return Panache.getEntityManager().createNativeQuery("""
                        INSERT INTO dead_letter (dlq_partition, dlq_offset, topic, source_partition, source_offset,
                                                 message_key, payload, reason, cause, received_at)
                        VALUES (:partition, :offset, :topic, :sourcePartition, :sourceOffset, :key, :payload,
                                :reason, :cause, :at)
                        ON CONFLICT (dlq_partition, dlq_offset) DO NOTHING""")
                .setParameter("partition", dlqPartition).setParameter("offset", dlqOffset)
                .setParameter("topic", topic).setParameter("sourcePartition", sourcePartition)
                .setParameter("sourceOffset", sourceOffset).setParameter("key", key).setParameter("payload", payload)
                .setParameter("reason", reason).setParameter("cause", cause).setParameter("at", at)
                .executeUpdate() == 1;
    }

    @SuppressWarnings("unchecked")
    public List<Row> newest(int limit) {
        List<Object[]> rows = Panache.getEntityManager()
                .createNativeQuery("SELECT " + COLUMNS + " FROM dead_letter ORDER BY id DESC LIMIT :limit")
                .setParameter("limit", limit).getResultList();
        return rows.stream().map(DeadLetterRepository::row).toList();
    }

    @SuppressWarnings("unchecked")
    public Optional<Row> lock(long id) {
        List<Object[]> rows = Panache.getEntityManager()
                .createNativeQuery("SELECT " + COLUMNS + " FROM dead_letter WHERE id = :id FOR UPDATE")
                .setParameter("id", id).getResultList();
        return rows.stream().findFirst().map(DeadLetterRepository::row);
    }

    public void replayed(long id, Instant at) {
        Panache.getEntityManager().createNativeQuery("UPDATE dead_letter SET replayed_at = :at WHERE id = :id")
                .setParameter("at", at).setParameter("id", id).executeUpdate();
    }

    public long count() {
        return ((Number) Panache.getEntityManager().createNativeQuery("SELECT count(*) FROM dead_letter")
                .getSingleResult()).longValue();
    }

    private static Row row(Object[] r) {
        return new Row(((Number) r[0]).longValue(), (String) r[1], r[2] == null ? null : ((Number) r[2]).intValue(),
                r[3] == null ? null : ((Number) r[3]).longValue(), (byte[]) r[4], (byte[]) r[5], (String) r[6],
                (String) r[7], JobRepository.instant(r[8]), JobRepository.instant(r[9]));
    }
}
