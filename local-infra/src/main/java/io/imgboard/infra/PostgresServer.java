package io.imgboard.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A private PostgreSQL cluster in {@code <state>/postgres}, listening on 127.0.0.1 only, with its
 * socket inside the data folder and password authentication. PostgreSQL refuses to run as root,
 * so as root the cluster belongs to the {@code postgres} user and commands go through runuser.
 */
public final class PostgresServer {
    static final String NAME = "postgres";
    public static final String USER = "imgboard";

    private PostgresServer() {
    }

    public static ManagedProcess start(StateDir state, int port, String password, List<String> databases) {
        Ports.requireFree(port, "PostgreSQL", "IMGBOARD_POSTGRES_PORT");
        Path bin = Layout.postgresBin();
        Path home = state.dir(NAME);
        Path data = home.resolve("data");
        Path log = state.logFile(NAME);
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            if (!Files.exists(log)) {
                Files.createFile(log);
            }
            if (root) {
                chownToPostgres(home);
                chownToPostgres(log);
            }
            if (!Files.exists(data.resolve("PG_VERSION"))) {
                Path pwfile = home.resolve("initial-password");
                Files.writeString(pwfile, password + "\n");
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
            Files.deleteIfExists(data.resolve("postmaster.pid.stale"));
            String options = "-p " + port + " -k " + data + " -c listen_addresses=127.0.0.1 -c fsync=on";
            run(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", log.toString(),
                    "-w", "-t", "60", "-o", options, "start"), Map.of(), log, "pg_ctl start");
            for (String database : databases) {
                createDatabase(bin, port, password, database, log);
            }
            long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
            Files.writeString(state.pidFile(NAME), Long.toString(pid));
            return ManagedProcess.adopt(NAME, pid, state);
        } catch (IOException e) {
            throw new InfraException("cannot prepare PostgreSQL in " + home + ": " + e.getMessage(), e);
        }
    }

    /** {@code pg_ctl stop -m fast}: a clean shutdown, no recovery on the next start. */
    public static void stop(StateDir state) {
        stop(state, "fast");
    }

    /** {@code pg_ctl stop -m <mode>}; {@code immediate} for a cluster that is thrown away. */
    public static void stop(StateDir state, String mode) {
        Path data = state.root().resolve(NAME).resolve("data");
        if (!Files.exists(data.resolve("postmaster.pid"))) {
            return;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        try {
            run(root, List.of(Layout.postgresBin().resolve("pg_ctl").toString(), "-D", data.toString(), "-m", mode,
                    "-w", "-t", "30", "stop"), Map.of(), state.logFile(NAME), "pg_ctl stop");
            Files.deleteIfExists(state.pidFile(NAME));
        } catch (IOException | InfraException e) {
            ManagedProcess.stopByPidFile(state.pidFile(NAME), Duration.ofSeconds(10));
        }
    }

    public static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static void createDatabase(Path bin, int port, String password, String database, Path log) {
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
        ProcessBuilder builder = new ProcessBuilder(ManagedProcess.ownSession(full)).redirectErrorStream(true)
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
