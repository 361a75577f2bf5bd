package io.imgboard.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL cluster listening on 127.0.0.1 only, with password authentication and no
 * Unix socket. PostgreSQL refuses to run as root, so as root the cluster belongs to the
 * {@code postgres} user and commands go through runuser.
 *
 * <p>Where the cluster lives: run by a normal user, in {@code <state>/postgres/data}. Run as root,
 * the server runs as {@code postgres}, which must be able to enter every folder above its data;
 * a state folder under {@code /root} or a {@code mktemp -d} folder (mode 700) is closed to it.
 * Rather than loosen the permissions of the user's folders, the cluster then lives in a folder
 * of its own that postgres owns, {@code /var/lib/imgboard/postgres/<digest of the state folder's
 * path>} ({@code IMGBOARD_PG_CLUSTERS} moves the parent), and the state folder records that path
 * in {@code postgres/cluster}, so {@code down}/{@code up} find the same data again even if the
 * state folder is moved. Its log goes through a file descriptor the launcher opens, so postgres
 * never needs to open anything inside the state folder.
 */
public final class PostgresServer {
    static final String NAME = "postgres";
    public static final String USER = "imgboard";
    private static final String CLUSTER_FILE = "cluster";

    private PostgresServer() {
    }

    public static ManagedProcess start(StateDir state, int port, String password, List<String> databases) {
        Ports.requireFree(port, "PostgreSQL", "IMGBOARD_POSTGRES_PORT");
        Path bin = Layout.postgresBin();
        Path data = dataDir(state);
        Path log = state.logFile(NAME);
        boolean root = runsAsRoot();
        try {
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
            if (!Files.exists(data.resolve("PG_VERSION"))) {
                Path cluster = data.getParent();
                Files.createDirectories(cluster);
                Files.setPosixFilePermissions(cluster, PosixFilePermissions.fromString("rwx------"));
                if (root) {
                    chownToPostgres(cluster);
                }
                Path pwfile = cluster.resolve("initial-password");
                Files.writeString(pwfile, password + "\n");
                Files.setPosixFilePermissions(pwfile, PosixFilePermissions.fromString("rw-------"));
                if (root) {
                    chownToPostgres(pwfile);
                }
                try {
                    run(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "--no-sync",
                            "-U", USER, "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                            "-E", "UTF8", "--locale=C.UTF-8"), Map.of(), log, "initdb");
                } finally {
                    Files.deleteIfExists(pwfile);
                }
            }
            // No Unix socket (-k ''): every client here uses TCP on 127.0.0.1, and a socket path
            // inside a long state folder would overflow the 107-byte limit. pg_ctl passes -o to a
            // shell, so nothing with a space may go into it; the paths stay outside it.
            String options = "-p " + port + " -k '' -c listen_addresses=127.0.0.1 -c fsync=on";
            // No -l: the postmaster inherits pg_ctl's output, the log file the launcher opened.
            run(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(),
                    "-w", "-t", "60", "-o", options, "start"), Map.of(), log, "pg_ctl start");
            try {
                for (String database : databases) {
                    createDatabase(bin, port, password, database);
                }
            } catch (RuntimeException e) {
                // Not left running behind a failed start: nothing else knows of it yet.
                stop(state, "fast");
                throw e;
            }
            long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            ManagedProcess postmaster = ManagedProcess.adopt(NAME, pid, state);
            PidFile.write(state.pidFile(NAME), postmaster.handle());
            return postmaster;
        } catch (IOException e) {
            throw new InfraException("cannot prepare PostgreSQL in " + data + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cluster's data folder for this state folder: the one recorded in
     * {@code <state>/postgres/cluster}, else a cluster already in {@code <state>/postgres/data}
     * (made before clusters moved out), else a new place chosen as the class comment says.
     */
    public static Path dataDir(StateDir state) {
        Path home = state.dir(NAME);
        Path record = home.resolve(CLUSTER_FILE);
        try {
            if (Files.exists(record)) {
                return Path.of(Files.readString(record).trim()).resolve("data");
            }
            Path inside = home.resolve("data");
            if (Files.exists(inside.resolve("PG_VERSION")) || !runsAsRoot()) {
                return inside;
            }
            Path cluster = clustersRoot().resolve(digest(state.root().toString()));
            Files.createDirectories(cluster.getParent());
            setAsideOrphan(cluster, state.root());
            Files.writeString(record, cluster + "\n");
            return cluster.resolve("data");
        } catch (IOException e) {
            throw new InfraException("cannot choose a folder for PostgreSQL's data: " + e.getMessage(), e);
        }
    }

    /**
     * A cluster already in the place this state folder is choosing belonged to an earlier state folder
     * at the same path that was deleted (that folder held its record and its password): starting on
     * it would fail with a wrong password. Deleting the state folder means starting from nothing, so the
     * new cluster starts empty; the old data is moved aside, not deleted, and the move is said.
     */
    static void setAsideOrphan(Path cluster, Path stateRoot) throws IOException {
        if (!Files.exists(cluster, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
        Path aside = cluster.resolveSibling(cluster.getFileName() + ".orphaned-" + stamp);
        Files.move(cluster, aside);
        System.err.println("imgboard: " + cluster + " held the PostgreSQL cluster of an earlier state folder at "
                + stateRoot + ", which was deleted with its password; this one starts with an empty cluster. The old"
                + " data was moved to " + aside + ": delete that folder when you no longer need it.");
    }

    /** The folder that holds this state folder's cluster when it lives outside it, or null. */
    public static Path externalCluster(StateDir state) {
        Path record = state.root().resolve(NAME).resolve(CLUSTER_FILE);
        try {
            return Files.exists(record) ? Path.of(Files.readString(record).trim()) : null;
        } catch (IOException e) {
            return null;
        }
    }

    static Path clustersRoot() {
        String configured = System.getenv("IMGBOARD_PG_CLUSTERS");
        return configured == null || configured.isBlank() ? Path.of("/var/lib/imgboard/postgres") : Path.of(configured);
    }

    private static String digest(String path) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** {@code pg_ctl stop -m fast}: a clean shutdown, no recovery on the next start. */
    public static void stop(StateDir state) {
        stop(state, "fast");
    }

    /** {@code pg_ctl stop -m <mode>}; {@code immediate} for a cluster that is thrown away. */
    public static void stop(StateDir state, String mode) {
        Path data = dataDir(state);
        if (!Files.exists(data.resolve("postmaster.pid"))) {
            return;
        }
        try {
            run(runsAsRoot(), List.of(Layout.postgresBin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", mode,
                    "-w", "-t", "30", "stop"), Map.of(), state.logFile(NAME), "pg_ctl stop");
            Files.deleteIfExists(state.pidFile(NAME));
        } catch (IOException | InfraException e) {
            ManagedProcess.stopByPidFile(state.pidFile(NAME), Duration.ofSeconds(10));
        }
    }

    public static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static void createDatabase(Path bin, int port, String password, String database) {
        // createdb is a client: it runs as whoever we are and authenticates with the password.
        List<String> command = List.of(bin.resolve("psql").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-U", USER, "-d", "postgres", "-tAc", "SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
        String exists = capture(command, Map.of("PGPASSWORD", password), "psql");
        if (!exists.trim().equals("1")) {
            capture(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port),
                    "-U", USER, database), Map.of("PGPASSWORD", password), "createdb " + database);
        }
    }

    private static void run(boolean asPostgres, List<String> command, Map<String, String> env, Path log, String what) {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        // pg_ctl start leaves the postmaster in our session unless it starts in one of its own.
        // The working folder must be one postgres may enter, or initdb warns about it.
        ProcessBuilder builder = new ProcessBuilder(ManagedProcess.ownSession(full)).redirectErrorStream(true)
                .directory(new java.io.File("/"))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        waitFor(builder, what, log);
    }

    private static String capture(List<String> command, Map<String, String> env, String what) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new InfraException(what + " failed: " + output.trim());
            }
            return output;
        } catch (IOException e) {
            throw new InfraException("cannot run " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("interrupted", e);
        }
    }

    private static void waitFor(ProcessBuilder builder, String what, Path log) {
        try {
            Process process = builder.start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new InfraException(what + " did not finish in 90 s; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new InfraException(what + " failed; last lines of " + log + ":\n" + ManagedProcess.tail(log, 12));
            }
        } catch (IOException e) {
            throw new InfraException("cannot run " + what + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("interrupted", e);
        }
    }

    private static void chownToPostgres(Path path) throws IOException {
        var lookup = path.getFileSystem().getUserPrincipalLookupService();
        var owner = lookup.lookupPrincipalByName("postgres");
        var group = lookup.lookupPrincipalByGroupName("postgres");
        Files.setOwner(path, owner);
        Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(group);
    }
}
