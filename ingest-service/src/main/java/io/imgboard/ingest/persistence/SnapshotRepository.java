package io.imgboard.ingest.persistence;

import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the scans of a source have seen (table {@code source_file}): per path the size, mtime and
 * ctime last seen, since when they have not changed, and what became of the file. Loaded whole
 * per scan (one query, even for 100,000 files) and written in batches.
 */
@ApplicationScoped
public class SnapshotRepository {

    /** @param state {@code pending}, {@code imported}, {@code skipped} or {@code failed} */
    public record SnapshotEntry(String path, long size, long mtimeMillis, long ctimeMillis, Instant stableSince,
                                String state, String sha256, String reason) {

        public boolean sameAttributes(long size, long mtimeMillis, long ctimeMillis) {
            return this.size == size && this.mtimeMillis == mtimeMillis && this.ctimeMillis == ctimeMillis;
        }
    }

    private static final int BATCH = 500;

    private final DataSource dataSource;

    SnapshotRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Map<String, SnapshotEntry> load(String sourceId) {
        String sql = "select path, size, mtime_millis, ctime_millis, stable_since, state, sha256, reason "
                + "from source_file where source_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sourceId);
            ps.setFetchSize(5_000);
            c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
            Map<String, SnapshotEntry> entries = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SnapshotEntry e = new SnapshotEntry(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4),
                            rs.getTimestamp(5).toInstant(), rs.getString(6), rs.getString(7), rs.getString(8));
                    entries.put(e.path(), e);
                }
            }
            c.commit();
            return entries;
        } catch (SQLException e) {
            throw new SourceDataException("cannot read the snapshot of source " + sourceId, e);
        }
    }

    public void upsert(String sourceId, Collection<SnapshotEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        String sql = "insert into source_file (source_id, path, size, mtime_millis, ctime_millis, stable_since, state, "
                + "sha256, reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (source_id, path) do update set "
                + "size = excluded.size, mtime_millis = excluded.mtime_millis, ctime_millis = excluded.ctime_millis, "
                + "stable_since = excluded.stable_since, state = excluded.state, sha256 = excluded.sha256, "
                + "reason = excluded.reason";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (SnapshotEntry e : entries) {
                ps.setString(1, sourceId);
                ps.setString(2, e.path());
                ps.setLong(3, e.size());
                ps.setLong(4, e.mtimeMillis());
                ps.setLong(5, e.ctimeMillis());
                ps.setTimestamp(6, Timestamp.from(e.stableSince()));
                ps.setString(7, e.state());
                setNullable(ps, 8, e.sha256());
                setNullable(ps, 9, e.reason());
                ps.addBatch();
                if (++n % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new SourceDataException("cannot write the snapshot of source " + sourceId, e);
        }
    }

    public void delete(String sourceId, Collection<String> paths) {
        if (paths.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from source_file where source_id = ? and path = ?")) {
            int n = 0;
            for (String path : paths) {
                ps.setString(1, sourceId);
                ps.setString(2, path);
                ps.addBatch();
                if (++n % BATCH == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new SourceDataException("cannot update the snapshot of source " + sourceId, e);
        }
    }

    /** Which of these SHA-256s some source has imported already. */
    public Set<String> imported(Collection<String> sha256s) {
        Set<String> known = new HashSet<>();
        if (sha256s.isEmpty()) {
            return known;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "select distinct sha256 from source_file where state = 'imported' and sha256 = any (?)")) {
            ps.setArray(1, c.createArrayOf("bpchar", List.copyOf(sha256s).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getString(1));
                }
            }
            return known;
        } catch (SQLException e) {
            throw new SourceDataException("cannot read the snapshots", e);
        }
    }

    /** Where the source imported this content from, relative to its root (the first such path), if it did. */
    public Optional<String> importedPath(String sourceId, String sha256) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("select path from source_file where source_id = ? and sha256 = ?"
                     + " and state = 'imported' order by path limit 1")) {
            ps.setString(1, sourceId);
            ps.setString(2, sha256);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new SourceDataException("cannot read the snapshot of source " + sourceId, e);
        }
    }

    /**
     * What the source holds now, from its snapshot: files by state ({@code imported}, {@code pending},
     * {@code failed}) and the skipped ones by reason.
     */
    public Map<String, Object> totals(String sourceId) {
        Map<String, Object> totals = new java.util.TreeMap<>();
        Map<String, Long> skipped = new java.util.TreeMap<>();
        for (String state : List.of("imported", "pending", "failed")) {
            totals.put(state, 0L);
        }
        String sql = "select state, reason, count(*) from source_file where source_id = ? group by state, reason";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, sourceId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if ("skipped".equals(rs.getString(1))) {
                        skipped.merge(String.valueOf(rs.getString(2)), rs.getLong(3), Long::sum);
                    } else {
                        totals.merge(rs.getString(1), rs.getLong(3), (a, b) -> (Long) a + (Long) b);
                    }
                }
            }
        } catch (SQLException e) {
            throw new SourceDataException("cannot count the snapshot of source " + sourceId, e);
        }
        totals.put("skipped", skipped);
        return totals;
    }

    private static void setNullable(PreparedStatement ps, int index, String value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.VARCHAR);
        } else {
            ps.setString(index, value);
        }
    }
}
