package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Export settings, runs and items ({@code export_setting}, {@code export_run}, {@code export_item}). */
@ApplicationScoped
public class ExportRepository {

    public record Setting(String path, String layout, String mode, Instant baseline, String sourceId) {
    }

    public record Run(UUID id, String folder, Instant startedAt, int requested, int written, int failed, String skipped) {
    }

    /** A photo frames show, with what export needs to decide and to name the file. */
    public record Candidate(UUID photoId, String sha256, String originalKey, String name, Instant createdAt,
                            Instant shotAt, Set<String> sourceIds) {
    }

    private static EntityManager em() {
        return Panache.getEntityManager();
    }

    @SuppressWarnings("unchecked")
    public Optional<Setting> setting() {
        List<Object[]> rows = em().createNativeQuery(
                "SELECT path, layout, mode, baseline, source_id FROM export_setting WHERE id = 1").getResultList();
        return rows.stream().findFirst().map(r -> new Setting((String) r[0], (String) r[1], (String) r[2],
                JobRepository.instant(r[3]), (String) r[4]));
    }

    public void save(Setting setting, Instant now) {
        em().createNativeQuery("""
                        INSERT INTO export_setting (id, path, layout, mode, baseline, source_id, updated_at)
                        VALUES (1, :path, :layout, :mode, :baseline, :source, :now)
                        ON CONFLICT (id) DO UPDATE SET path = EXCLUDED.path, layout = EXCLUDED.layout,
                            mode = EXCLUDED.mode, baseline = EXCLUDED.baseline, source_id = EXCLUDED.source_id,
                            updated_at = EXCLUDED.updated_at""")
                .setParameter("path", setting.path()).setParameter("layout", setting.layout())
                .setParameter("mode", setting.mode()).setParameter("baseline", setting.baseline())
                .setParameter("source", setting.sourceId()).setParameter("now", now)
                .executeUpdate();
    }

    public void learnSource(String folder, String sourceId) {
        em().createNativeQuery("UPDATE export_setting SET source_id = :source WHERE id = 1 AND path = :folder"
                        + " AND source_id IS DISTINCT FROM :source AND :source <> 'export'")
                .setParameter("source", sourceId).setParameter("folder", folder).executeUpdate();
    }

    /**
     * Photos frames show (not hidden, retired, deleted; twins are part of their photo), oldest first,
     * each with the original the frames show: a better twin's bytes and its name (the name's extension
     * goes with the bytes) when one is rendered, else the photo's own.
     */
    @SuppressWarnings("unchecked")
    public List<Candidate> candidates() {
        List<Object[]> rows = em().createNativeQuery("""
                        SELECT p.id, COALESCE(r.sha256, p.sha256), COALESCE(r.original_key, p.original_key),
                               COALESCE(r.name, p.name), p.created_at,
                               COALESCE(p.captured_at, p.file_modified_at, p.created_at),
                               (SELECT string_agg(DISTINCT o.source_id, chr(31)) FROM origin o
                                 WHERE o.photo_id = p.id OR o.photo_id IN (SELECT t.id FROM photo t WHERE t.twin_of = p.id))
                        FROM photo p
                        LEFT JOIN photo r ON r.sha256 = p.rendered_sha256 AND r.twin_of = p.id
                        WHERE p.twin_of IS NULL AND p.status = 'READY' AND NOT p.hidden
                          AND p.retired_at IS NULL AND p.deleted_at IS NULL
                        ORDER BY p.created_at, p.id""").getResultList();
        return rows.stream().map(r -> new Candidate((UUID) r[0], (String) r[1], (String) r[2], (String) r[3],
                JobRepository.instant(r[4]), JobRepository.instant(r[5]),
                r[6] == null ? Set.of() : new HashSet<>(List.of(((String) r[6]).split("\u001f"))))).toList();
    }

    /** Photos an operator hid (made, neither retired nor deleted): never exported, but counted, so a plan says so. */
    public int hidden() {
        return ((Number) em().createNativeQuery("""
                        SELECT count(*) FROM photo p
                        WHERE p.twin_of IS NULL AND p.status = 'READY' AND p.hidden
                          AND p.retired_at IS NULL AND p.deleted_at IS NULL""").getSingleResult()).intValue();
    }

    /** Photos already written to (or on their way into) the folder. */
    @SuppressWarnings("unchecked")
    public Set<UUID> exported(String folder) {
        return new HashSet<>(em().createNativeQuery(
                        "SELECT photo_id FROM export_item WHERE folder = :folder AND state IN ('requested', 'written')")
                .setParameter("folder", folder).getResultList());
    }

    /** Relative paths taken in the folder (so two photos named alike get distinct paths). */
    @SuppressWarnings("unchecked")
    public Set<String> takenPaths(String folder) {
        return new HashSet<>(em().createNativeQuery("SELECT relative_path FROM export_item WHERE folder = :folder")
                .setParameter("folder", folder).getResultList());
    }

    public void createRun(UUID id, String folder, Instant now, int requested, String skippedJson) {
        em().createNativeQuery("""
                        INSERT INTO export_run (id, folder, started_at, requested, skipped)
                        VALUES (:id, :folder, :now, :requested, CAST(:skipped AS jsonb))""")
                .setParameter("id", id).setParameter("folder", folder).setParameter("now", now)
                .setParameter("requested", requested).setParameter("skipped", skippedJson).executeUpdate();
    }

    public void requested(String folder, UUID photoId, UUID runId, String relativePath, Instant now) {
        em().createNativeQuery("""
                        INSERT INTO export_item (folder, photo_id, run_id, relative_path, state, updated_at)
                        VALUES (:folder, :photo, :run, :path, 'requested', :now)
                        ON CONFLICT (folder, photo_id) DO UPDATE SET run_id = EXCLUDED.run_id,
                            relative_path = EXCLUDED.relative_path, state = 'requested', error = NULL,
                            updated_at = EXCLUDED.updated_at""")
                .setParameter("folder", folder).setParameter("photo", photoId).setParameter("run", runId)
                .setParameter("path", relativePath).setParameter("now", now).executeUpdate();
    }

    /**
     * Settles the item of this run; counts it on the run once. {@code writtenName} is the file name ingest
     * really wrote (after a clash suffix such as {@code -1}), or null to keep the requested one; ingest
     * only renames the file, never its folder, so the requested folder stays.
     */
    public void settled(UUID runId, UUID photoId, boolean written, String writtenName, String error, Instant now) {
        int changed = em().createNativeQuery("""
                        UPDATE export_item SET state = :state, error = :error, updated_at = :now,
                            relative_path = COALESCE(regexp_replace(relative_path, '[^/]*$', '') || CAST(:name AS text),
                                                     relative_path)
                        WHERE run_id = :run AND photo_id = :photo AND state = 'requested'""")
                .setParameter("state", written ? "written" : "failed").setParameter("error", error)
                .setParameter("now", now).setParameter("name", writtenName).setParameter("run", runId)
                .setParameter("photo", photoId).executeUpdate();
        if (changed > 0) {
            em().createNativeQuery("UPDATE export_run SET " + (written ? "written = written + 1" : "failed = failed + 1")
                    + " WHERE id = :run").setParameter("run", runId).executeUpdate();
        }
    }

    /** Why photos of a run were not written, the commonest reasons first, with how many photos each. */
    public record Failure(String reason, long photos) {
    }

    @SuppressWarnings("unchecked")
    public List<Failure> failures(UUID runId, int limit) {
        List<Object[]> rows = em().createNativeQuery("""
                        SELECT COALESCE(error, 'no reason given'), count(*) FROM export_item
                        WHERE run_id = :run AND state = 'failed' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT :limit""")
                .setParameter("run", runId).setParameter("limit", limit).getResultList();
        return rows.stream().map(r -> new Failure((String) r[0], ((Number) r[1]).longValue())).toList();
    }

    @SuppressWarnings("unchecked")
    public Optional<Run> latestRun() {
        List<Object[]> rows = em().createNativeQuery("""
                        SELECT id, folder, started_at, requested, written, failed, CAST(skipped AS text)
                        FROM export_run ORDER BY started_at DESC LIMIT 1""").getResultList();
        return rows.stream().findFirst().map(r -> new Run((UUID) r[0], (String) r[1], JobRepository.instant(r[2]),
                ((Number) r[3]).intValue(), ((Number) r[4]).intValue(), ((Number) r[5]).intValue(), (String) r[6]));
    }
}
