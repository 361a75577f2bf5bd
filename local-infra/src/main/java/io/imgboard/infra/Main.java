package io.imgboard.infra;

import io.imgboard.infra.Endpoints.Ports3;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code up}, {@code down} and {@code status} for the whole local system. Called by the
 * {@code imgboard} script, which has already checked OS packages and built the project.
 */
public final class Main {
    private static final List<String> INFRA_NAMES = List.of(KafkaServer.NAME, S3Server.NAME, PostgresServer.NAME);

    private Main() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "status" : args[0];
        List<String> rest = List.of(args).subList(Math.min(1, args.length), args.length);
        try {
            StateDir state = new StateDir(home());
            switch (command) {
                case "up" -> up(state, rest.contains("--detach"));
                case "down" -> down(state);
                case "status" -> status(state);
                default -> throw new InfraException("unknown command '" + command + "' (up, down, status)");
            }
        } catch (InfraException e) {
            System.err.println("imgboard: " + e.getMessage());
            System.exit(1);
        }
    }

    static Path home() {
        String home = System.getenv("IMGBOARD_HOME");
        return Path.of(home == null || home.isBlank() ? ".imgboard" : home);
    }

    private static void up(StateDir state, boolean detach) {
        List<String> running = alive(state);
        if (!running.isEmpty()) {
            throw new InfraException("already running (" + String.join(", ", running) + "); stop it with ./imgboard down");
        }
        long began = System.nanoTime();
        Ports3 ports = new Ports3(port(System.getenv("IMGBOARD_KAFKA_PORT"), "IMGBOARD_KAFKA_PORT", 9092),
                port(System.getenv("IMGBOARD_KAFKA_CONTROLLER_PORT"), "IMGBOARD_KAFKA_CONTROLLER_PORT", 9093),
                port(System.getenv("IMGBOARD_POSTGRES_PORT"), "IMGBOARD_POSTGRES_PORT", 15432),
                port(System.getenv("IMGBOARD_S3_PORT"), "IMGBOARD_S3_PORT", 9000));
        Map<String, Integer> servicePorts = LocalSystem.configuredServicePorts(System::getenv);
        String token = System.getenv("IMGBOARD_UPLOAD_TOKEN");
        if (token == null || token.isBlank()) {
            token = state.secret("upload-token");
        }

        System.out.println("starting Kafka, PostgreSQL, the S3 server and the four services (state in " + state.root() + ") …");
        LocalSystem system = LocalSystem.start(Layout.find(), state, ports, servicePorts, token);
        double seconds = (System.nanoTime() - began) / 1e9;
        String display = system.url("display-service");
        System.out.printf("""

                img-board is up (%.1f s).
                  frame page    %s/
                  admin         %s/admin   (asks for the upload token below)
                  ops           %s/ops
                  upload        curl -H 'Authorization: Bearer %s' -F file=@photo.jpg %s/api/v1/uploads
                  health        %s
                  state folder  %s
                  logs          ./imgboard logs [service]
                %s
                """, seconds, display, display, display, token, system.url("ingest-service"),
                String.join(" ", servicePorts.keySet().stream().map(s -> system.url(s) + "/q/health").toList()),
                state.root(), detach ? "Stop with ./imgboard down." : "Stop with Ctrl-C or ./imgboard down.");
        if (detach) {
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping …");
            system.close();
        }));
        try {
            // Stay in the foreground until Ctrl-C, or until `down` has stopped what we started.
            while (system.anyServiceAlive()) {
                Thread.sleep(1000);
            }
            System.out.println("the services have stopped.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void down(StateDir state) {
        List<String> order = new ArrayList<>(Services.DEFAULT_PORTS.keySet());
        java.util.Collections.reverse(order);
        for (String service : order) {
            ManagedProcess.stopByPidFile(state.pidFile(service), Duration.ofSeconds(20))
                    .ifPresent(pid -> System.out.println("stopped " + service + " (pid " + pid + ")"));
        }
        PostgresServer.stop(state);
        for (String name : List.of(S3Server.NAME, KafkaServer.NAME)) {
            ManagedProcess.stopByPidFile(state.pidFile(name), Duration.ofSeconds(30))
                    .ifPresent(pid -> System.out.println("stopped " + name + " (pid " + pid + ")"));
        }
        System.out.println("img-board is down; data stays in " + state.root());
    }

    private static void status(StateDir state) {
        List<String> names = new ArrayList<>(INFRA_NAMES);
        names.addAll(Services.DEFAULT_PORTS.keySet());
        for (String name : names) {
            System.out.printf("%-22s %s%n", name, pidOf(state, name).map(pid -> "running (pid " + pid + ")").orElse("stopped"));
        }
    }

    private static List<String> alive(StateDir state) {
        List<String> alive = new ArrayList<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(state.root().resolve("run"), "*.pid")) {
            for (Path pidFile : pids) {
                String name = pidFile.getFileName().toString().replace(".pid", "");
                pidOf(state, name).ifPresent(pid -> alive.add(name + " pid " + pid));
            }
        } catch (IOException ignored) {
            // no run folder yet: nothing is running
        }
        return alive;
    }

    private static java.util.Optional<Long> pidOf(StateDir state, String name) {
        try {
            long pid = Long.parseLong(Files.readString(state.pidFile(name)).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(ProcessHandle::pid);
        } catch (IOException | NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    static int port(String value, String variable, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InfraException(variable + "=" + value + " is not a port number");
        }
    }
}
