package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per-source counters ({@code source_count}), changed in the transaction that counts. */
@ApplicationScoped
public class SourceCountRepository {

    public void add(String sourceId, String stage, long delta) {
        Panache.getEntityManager().createNativeQuery("""
                        INSERT INTO source_count (source_id, stage, count) VALUES (:source, :stage, :delta)
                        ON CONFLICT (source_id, stage) DO UPDATE SET count = source_count.count + EXCLUDED.count""")
                .setParameter("source", sourceId)
                .setParameter("stage", stage)
                .setParameter("delta", delta)
                .executeUpdate();
    }

    /** Every source a file has arrived from (each arrival is counted as discovered). */
    @SuppressWarnings("unchecked")
    public List<String> sourceIds() {
        return Panache.getEntityManager().createNativeQuery("SELECT DISTINCT source_id FROM source_count").getResultList();
    }

    /** source → stage → count. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Long>> all() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        List<Object[]> rows = Panache.getEntityManager()
                .createNativeQuery("SELECT source_id, stage, count FROM source_count").getResultList();
        for (Object[] row : rows) {
            out.computeIfAbsent((String) row[0], s -> new LinkedHashMap<>()).put((String) row[1], ((Number) row[2]).longValue());
        }
        return out;
    }

    /** source → reason → skipped files. */
    @SuppressWarnings("unchecked")
    public Map<String, Map<String, Long>> skipped() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        List<Object[]> rows = Panache.getEntityManager()
                .createNativeQuery("SELECT source_id, reason, count(*) FROM skipped_file GROUP BY source_id, reason")
                .getResultList();
        for (Object[] row : rows) {
            out.computeIfAbsent((String) row[0], s -> new TreeMap<>()).put((String) row[1], ((Number) row[2]).longValue());
        }
        return out;
    }

    /** Records a skipped file; false when this (source, path) was already recorded with the same reason. */
    public boolean skipped(String sourceId, String path, String name, long size, String reason, Instant at) {
        return Panache.getEntityManager().createNativeQuery("""
                        INSERT INTO skipped_file (source_id, path, name, size, reason, skipped_at)
                        VALUES (:source, :path, :name, :size, :reason, :at)
                        ON CONFLICT (source_id, path) DO UPDATE SET name = EXCLUDED.name, size = EXCLUDED.size,
                            reason = EXCLUDED.reason, skipped_at = EXCLUDED.skipped_at
                        WHERE skipped_file.reason <> EXCLUDED.reason""")
                .setParameter("source", sourceId)
                .setParameter("path", path)
                .setParameter("name", name)
                .setParameter("size", size)
                .setParameter("reason", reason)
                .setParameter("at", at)
                .executeUpdate() == 1;
    }

    /** A file a source found and left out on purpose (not an image, a sidecar, a live photo's video). */
    public record SkippedFile(String sourceId, String path, String name, long size, String reason, Instant skippedAt) {
    }

    /** The newest skipped files of every source. */
    @SuppressWarnings("unchecked")
    public List<SkippedFile> newestSkipped(int limit) {
        List<Object[]> rows = Panache.getEntityManager().createNativeQuery("""
                        SELECT source_id, path, name, size, reason, skipped_at FROM skipped_file
                        ORDER BY skipped_at DESC, source_id, path LIMIT :limit""")
                .setParameter("limit", limit).getResultList();
        return rows.stream().map(r -> new SkippedFile((String) r[0], (String) r[1], (String) r[2],
                ((Number) r[3]).longValue(), (String) r[4], JobRepository.instant(r[5]))).toList();
    }

    public long skippedCount() {
        return ((Number) Panache.getEntityManager().createNativeQuery("SELECT count(*) FROM skipped_file")
                .getSingleResult()).longValue();
    }

    public void unskip(String sourceId, String path) {
        Panache.getEntityManager().createNativeQuery("DELETE FROM skipped_file WHERE source_id = :source AND path = :path")
                .setParameter("source", sourceId).setParameter("path", path).executeUpdate();
    }
}
