package io.imgboard.ledger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain JDBC against the ledger's real database, for what the REST API does not show (the outbox). */
final class Db {
    private final DataSource dataSource;

    Db(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    List<Map<String, Object>> rows(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                List<Map<String, Object>> rows = new ArrayList<>();
                int columns = result.getMetaData().getColumnCount();
                while (result.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int c = 1; c <= columns; c++) {
                        row.put(result.getMetaData().getColumnLabel(c), result.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    long count(String sql, Object... parameters) {
        return ((Number) rows(sql, parameters).get(0).values().iterator().next()).longValue();
    }

    /**
     * An operator's command on the photo ({@code update}, its one parameter the photo's id) as its own
     * transaction, left open: the photo's row is held until the caller commits the returned connection (or
     * closes it, which rolls the command back).
     */
    Connection leftOpen(String update, Object photoId) throws SQLException {
        Connection operator = dataSource.getConnection();
        try {
            operator.setAutoCommit(false);
            try (PreparedStatement command = operator.prepareStatement(update)) {
                command.setObject(1, photoId);
                if (command.executeUpdate() != 1) {
                    throw new IllegalStateException("no photo " + photoId);
                }
            }
            return operator;
        } catch (SQLException | RuntimeException e) {
            operator.close();
            throw e;
        }
    }

    /**
     * Sessions waiting for a lock that {@code holder}'s open transaction holds (a row it updated, say): the
     * race a test set up with {@link #leftOpen} has begun. Only those count: a session waiting on anything
     * else (another test's transaction, the service's own jobs) would let a race test pass without racing.
     */
    long waitingFor(Connection holder) throws SQLException {
        int pid;
        try (java.sql.Statement statement = holder.createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            pid = result.getInt(1);
        }
        return count("SELECT count(*) FROM pg_stat_activity WHERE ? = ANY(pg_blocking_pids(pid))", pid);
    }

    int update(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
