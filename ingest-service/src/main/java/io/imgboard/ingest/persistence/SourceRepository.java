package io.imgboard.ingest.persistence;

import io.imgboard.ingest.service.SourceSettings;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Folder sources in ingest's database (table {@code source}). Plain JDBC: a handful of rows, no entity graph. */
@ApplicationScoped
public class SourceRepository {

    /** A stored source with what its last scan left. */
    public record StoredSource(SourceSettings settings, String configuredBy, Instant createdAt, Instant updatedAt,
                               Instant lastScanAt, Long lastScanMillis, String lastScanCounts, String lastErrors) {
    }

    private static final String COLUMNS = "id, path, recursive, include_globs, exclude_globs, poll_seconds, "
            + "stable_seconds, after_import, archive_path, on_delete, configured_by, created_at, updated_at, "
            + "last_scan_at, last_scan_millis, last_scan_counts, last_errors";

    private final DataSource dataSource;

    SourceRepository(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<StoredSource> all() {
        return query("select " + COLUMNS + " from source order by id", null);
    }

    public Optional<StoredSource> find(String id) {
        return query("select " + COLUMNS + " from source where id = ?", id).stream().findFirst();
    }

    /** @return false when a source with this id exists already */
    public boolean insert(SourceSettings s, String configuredBy) {
        String sql = "insert into source (id, path, recursive, include_globs, exclude_globs, poll_seconds, stable_seconds, "
                + "after_import, archive_path, on_delete, configured_by, created_at, updated_at) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (id) do nothing";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bind(ps, s);
            Timestamp now = Timestamp.from(Instant.now());
            ps.setString(i++, configuredBy);
            ps.setTimestamp(i++, now);
            ps.setTimestamp(i, now);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new SourceDataException("cannot store source " + s.id(), e);
        }
    }

    /** @return false when there is no such source. A new path forgets the last scan's errors: they were the old folder's. */
    public boolean update(SourceSettings s) {
        String sql = "update source set id = ?, path = ?, recursive = ?, include_globs = ?, exclude_globs = ?, "
                + "poll_seconds = ?, stable_seconds = ?, after_import = ?, archive_path = ?, on_delete = ?, "
                + "updated_at = ?, last_errors = case when path is distinct from ? then null else last_errors end where id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int i = bind(ps, s);
            ps.setTimestamp(i++, Timestamp.from(Instant.now()));
            ps.setString(i++, s.path());
            ps.setString(i, s.id());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new SourceDataException("cannot update source " + s.id(), e);
        }
    }

    /** Deletes the source and its snapshot. @return false when there was none */
    public boolean delete(String id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("delete from source where id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new SourceDataException("cannot delete source " + id, e);
        }
    }

    public void saveScan(String id, Instant at, long millis, String countsJson, String errorsJson) {
        String sql = "update source set last_scan_at = ?, last_scan_millis = ?, last_scan_counts = ?, last_errors = ? where id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setLong(2, millis);
            ps.setString(3, countsJson);
            ps.setString(4, errorsJson);
            ps.setString(5, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new SourceDataException("cannot record the scan of source " + id, e);
        }
    }

    private static int bind(PreparedStatement ps, SourceSettings s) throws SQLException {
        int i = 1;
        ps.setString(i++, s.id());
        ps.setString(i++, s.path());
        ps.setBoolean(i++, s.recursive());
        ps.setString(i++, String.join("\n", s.include()));
        ps.setString(i++, String.join("\n", s.exclude()));
        ps.setInt(i++, s.pollSeconds());
        ps.setInt(i++, s.stableSeconds());
        ps.setString(i++, s.afterImport());
        if (s.archivePath() == null) {
            ps.setNull(i++, Types.VARCHAR);
        } else {
            ps.setString(i++, s.archivePath());
        }
        ps.setString(i++, s.onDelete());
        return i;
    }

    private List<StoredSource> query(String sql, String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) {
                ps.setString(1, id);
            }
            List<StoredSource> sources = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    SourceSettings settings = new SourceSettings(rs.getString("id"), rs.getString("path"),
                            rs.getBoolean("recursive"), lines(rs.getString("include_globs")),
                            lines(rs.getString("exclude_globs")), rs.getInt("poll_seconds"), rs.getInt("stable_seconds"),
                            rs.getString("after_import"), rs.getString("archive_path"), rs.getString("on_delete"));
                    long millis = rs.getLong("last_scan_millis");
                    Long lastMillis = rs.wasNull() ? null : millis;
                    sources.add(new StoredSource(settings, rs.getString("configured_by"), instant(rs, "created_at"),
                            instant(rs, "updated_at"), instant(rs, "last_scan_at"), lastMillis,
                            rs.getString("last_scan_counts"), rs.getString("last_errors")));
                }
            }
            return sources;
        } catch (SQLException e) {
            throw new SourceDataException("cannot read sources", e);
        }
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static List<String> lines(String text) {
        return text == null || text.isEmpty() ? List.of() : Arrays.asList(text.split("\n"));
    }
}
