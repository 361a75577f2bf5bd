package io.imgboard.ledger.cli;

import io.imgboard.ledger.persistence.PhotoRepository;
import org.flywaydb.core.Flyway;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * {@code ./imgboard bench catalog}: fills a throwaway database on the ledger's PostgreSQL server with
 * synthetic photos (1,000,000 by default; COPY), migrated by the ledger's own Flyway scripts, and
 * measures the ledger's own queries ({@link PhotoRepository}'s SQL): the dedup look-up by sha256, the
 * twin look-ups (capture-time window; perceptual-hash bands), and a 1,000-checksum upload pre-check.
 * Targets: dedup p99 ≤ 5 ms, twin p99 ≤ 10 ms, pre-check ≤ 100 ms. Speed is measured here, never
 * asserted in tests. The database is dropped at the end.
 *
 * <pre>
 * CatalogBench [--photos N] [--keep]
 * </pre>
 * The server comes from QUARKUS_DATASOURCE_JDBC_URL / _USERNAME / _PASSWORD (as the ledger is configured),
 * else from the system {@code ./imgboard up} runs: 127.0.0.1:$IMGBOARD_POSTGRES_PORT (15432), user
 * {@code imgboard}, the password in {@code $IMGBOARD_HOME/secrets/postgres-password}.
 */
public final class CatalogBench {
    private static final int LOOKUPS = 5_000;
    private static final int TWIN_LOOKUPS = 2_000;
    private static final int PRECHECKS = 30;
    private static final Instant EPOCH = Instant.parse("2015-01-01T00:00:00Z");

    /** The measured numbers, in milliseconds. */
    public record Result(long photos, double fillSeconds, double dedupP50, double dedupP99, double twinTimeP99,
                         double twinBandsP99, double precheckP50, double precheckMax) {
    }

    private CatalogBench() {
    }

    public static void main(String[] args) throws Exception {
        long photos = 1_000_000;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--photos" -> photos = Long.parseLong(args[++i].replace("_", "").replace(",", ""));
                case "--keep" -> keep = true;
                default -> {
                    System.err.println("usage: CatalogBench [--photos N] [--keep]");
                    System.exit(2);
                }
            }
        }
        String url = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        String user = System.getenv("QUARKUS_DATASOURCE_USERNAME");
        String password = System.getenv("QUARKUS_DATASOURCE_PASSWORD");
        if (url == null || url.isBlank()) {
            String home = System.getenv().getOrDefault("IMGBOARD_HOME", ".imgboard");
            java.nio.file.Path secret = java.nio.file.Path.of(home, "secrets", "postgres-password");
            if (!java.nio.file.Files.isReadable(secret)) {
                System.err.println("bench catalog: no PostgreSQL: start ./imgboard up first (its server is used; a"
                        + " throwaway database is made there), or set QUARKUS_DATASOURCE_JDBC_URL, _USERNAME, _PASSWORD");
                System.exit(2);
            }
            url = "jdbc:postgresql://127.0.0.1:" + System.getenv().getOrDefault("IMGBOARD_POSTGRES_PORT", "15432")
                    + "/ledger";
            user = "imgboard";
            password = java.nio.file.Files.readString(secret).strip();
        }
        run(url, user, password, photos, keep, System.out);
    }

    public static Result run(String serverUrl, String user, String password, long photos, boolean keep, PrintStream out)
            throws SQLException, IOException {
        String database = "imgboard_bench_" + System.currentTimeMillis();
        String url = serverUrl.substring(0, serverUrl.lastIndexOf('/') + 1) + database;
        try (Connection admin = DriverManager.getConnection(serverUrl, user, password);
             Statement create = admin.createStatement()) {
            create.execute("CREATE DATABASE " + database);
        }
        try {
            Flyway.configure().dataSource(url, user, password).locations("classpath:db/migration").load().migrate();
            try (Connection db = DriverManager.getConnection(url, user, password)) {
                long started = System.nanoTime();
                out.printf("filling %s with %,d synthetic photos (COPY) ...%n", database, photos);
                fill(db, photos);
                try (Statement analyze = db.createStatement()) {
                    analyze.execute("ANALYZE photo");
                }
                double fill = (System.nanoTime() - started) / 1e9;
                out.printf("filled in %.1f s%n", fill);
                Result result = measure(db, photos, fill);
                out.printf("dedup look-up by sha256 (%d):      p50 %.2f ms  p99 %.2f ms  (target p99 <= 5 ms)%n",
                        LOOKUPS, result.dedupP50(), result.dedupP99());
                out.printf("twin look-up, capture window (%d): p99 %.2f ms  (target <= 10 ms)%n", TWIN_LOOKUPS,
                        result.twinTimeP99());
                out.printf("twin look-up, hash bands (%d):     p99 %.2f ms  (target <= 10 ms)%n", TWIN_LOOKUPS,
                        result.twinBandsP99());
                out.printf("pre-check of 1,000 checksums (%d): p50 %.2f ms  max %.2f ms  (target <= 100 ms)%n",
                        PRECHECKS, result.precheckP50(), result.precheckMax());
                return result;
            }
        } finally {
            if (!keep) {
                try (Connection admin = DriverManager.getConnection(serverUrl, user, password);
                     Statement drop = admin.createStatement()) {
                    drop.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                }
            } else {
                out.println("kept database " + database);
            }
        }
    }

    /**
     * Photo i: sha256 and perceptual hash from a seeded generator (so they can be recomputed for
     * look-ups), captured a minute apart (a fifth without a capture time), READY.
     */
    private static void fill(Connection db, long photos) throws SQLException, IOException {
        PGConnection pg = db.unwrap(PGConnection.class);
        pg.getCopyAPI().copyIn("""
                COPY photo (id, sha256, name, status, original_key, size, width, height, captured_at, perceptual_hash,
                            phash, created_at, updated_at) FROM STDIN WITH (FORMAT csv)""", new Reader() {
            private long next;
            private final StringBuilder line = new StringBuilder(400);
            private int position;

            @Override
            public int read(char[] buffer, int offset, int length) {
                int written = 0;
                while (written < length) {
                    if (position >= line.length()) {
                        if (next >= photos) {
                            return written == 0 ? -1 : written;
                        }
                        row(next++);
                        position = 0;
                    }
                    int n = Math.min(length - written, line.length() - position);
                    line.getChars(position, position + n, buffer, offset + written);
                    position += n;
                    written += n;
                }
                return written;
            }

            private void row(long i) {
                String sha = sha(i);
                long hash = phash(i);
                Instant created = EPOCH.plusSeconds(i * 30);
                line.setLength(0);
                line.append(new UUID(i, i ^ 0x5DEECE66DL)).append(',').append(sha).append(",IMG_").append(i).append(".JPG,READY,")
                        .append("originals/").append(sha, 0, 2).append('/').append(sha).append(",2500000,")
                        .append(width(i)).append(',').append(height(i)).append(',')
                        .append(captured(i) == null ? "" : captured(i).toString()).append(',')
                        .append(String.format("%016x", hash)).append(',').append(hash).append(',')
                        .append(created).append(',').append(created).append('\n');
            }

            @Override
            public void close() {
            }
        });
    }

    private static Result measure(Connection db, long photos, double fill) throws SQLException {
        Random random = new Random(42);
        double[] dedup = new double[LOOKUPS];
        try (PreparedStatement bySha = db.prepareStatement("SELECT id, status FROM photo WHERE sha256 = ?")) {
            for (int i = 0; i < LOOKUPS; i++) {
                // half known, half unknown content
                bySha.setString(1, i % 2 == 0 ? sha(Math.floorMod(random.nextLong(), photos)) : randomSha(random));
                long started = System.nanoTime();
                try (ResultSet rows = bySha.executeQuery()) {
                    while (rows.next()) {
                        rows.getObject(1);
                    }
                }
                dedup[i] = (System.nanoTime() - started) / 1e6;
            }
        }
        double[] byTime = new double[TWIN_LOOKUPS];
        double[] byBands = new double[TWIN_LOOKUPS];
        try (PreparedStatement time = db.prepareStatement(jdbc(PhotoRepository.TWINS_BY_TIME_SQL));
             PreparedStatement bands = db.prepareStatement(jdbc(PhotoRepository.TWINS_BY_BANDS_SQL))) {
            int t = 0;
            int b = 0;
            while (t < TWIN_LOOKUPS || b < TWIN_LOOKUPS) {
                long i = Math.floorMod(random.nextLong(), photos);
                long hash = phash(i) ^ (1L << random.nextInt(64)); // a new arrival one bit away
                Instant captured = captured(i);
                long started = System.nanoTime();
                if (captured != null && t < TWIN_LOOKUPS) {
                    time.setObject(1, UUID.randomUUID());
                    time.setTimestamp(2, Timestamp.from(captured.minusSeconds(2)));
                    time.setTimestamp(3, Timestamp.from(captured.plusSeconds(2)));
                    time.setInt(4, 200);
                    drain(time);
                    byTime[t++] = (System.nanoTime() - started) / 1e6;
                } else if (captured == null && b < TWIN_LOOKUPS) {
                    bands.setObject(1, UUID.randomUUID());
                    bands.setInt(2, width(i));
                    bands.setInt(3, height(i));
                    bands.setLong(4, (hash >>> 48) & 0xffff);
                    bands.setLong(5, (hash >>> 32) & 0xffff);
                    bands.setLong(6, (hash >>> 16) & 0xffff);
                    bands.setLong(7, hash & 0xffff);
                    bands.setInt(8, 200);
                    drain(bands);
                    byBands[b++] = (System.nanoTime() - started) / 1e6;
                }
            }
        }
        double[] precheck = new double[PRECHECKS];
        try (PreparedStatement known = db.prepareStatement(jdbc(PhotoRepository.KNOWN_SQL))) {
            for (int round = 0; round < PRECHECKS; round++) {
                List<String> shas = new ArrayList<>(1000);
                for (int i = 0; i < 1000; i++) {
                    shas.add(i % 2 == 0 ? sha(Math.floorMod(random.nextLong(), photos)) : randomSha(random));
                }
                long started = System.nanoTime();
                known.setArray(1, db.createArrayOf("text", shas.toArray()));
                drain(known);
                precheck[round] = (System.nanoTime() - started) / 1e6;
            }
        }
        return new Result(photos, fill, percentile(dedup, 50), percentile(dedup, 99), percentile(byTime, 99),
                percentile(byBands, 99), percentile(precheck, 50), percentile(precheck, 100));
    }

    private static void drain(PreparedStatement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                rows.getObject(1);
            }
        }
    }

    /** The repository's JPA positional parameters (?1, ?2, ... in order) as JDBC's. */
    static String jdbc(String sql) {
        return sql.replaceAll("\\?\\d+", "?");
    }

    static double percentile(double[] values, int percentile) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String sha(long i) {
        byte[] bytes = new byte[32];
        new Random(i * 7919 + 17).nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String randomSha(Random random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static long phash(long i) {
        return new Random(i * 104729 + 3).nextLong();
    }

    private static Instant captured(long i) {
        return i % 5 == 0 ? null : EPOCH.plusSeconds(i * 60);
    }

    private static int width(long i) {
        return i % 2 == 0 ? 4032 : 3024;
    }

    private static int height(long i) {
        return i % 2 == 0 ? 3024 : 4032;
    }
}
