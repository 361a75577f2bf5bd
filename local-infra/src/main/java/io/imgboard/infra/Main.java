package io.imgboard.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.events.SessionTimeout;
import io.imgboard.events.SourceIds;
import io.imgboard.infra.Endpoints.Ports3;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * {@code up}, {@code down} and {@code status} for the whole local system. Called by the
 * {@code imgboard} script, which has already checked OS packages and built the project.
 *
 * <p>{@code up} is the supervisor: it stays in the foreground (or, with {@code --detach}, in the
 * background with its output in {@code logs/launcher.log}), restarts what dies, and stops
 * everything on Ctrl-C, SIGTERM or {@code ./imgboard down}, which signals it.
 */
public final class Main {
    static final String LAUNCHER = "launcher";
    private static final List<String> INFRA_NAMES = List.of(KafkaServer.NAME, S3Server.NAME, PostgresServer.NAME);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Main() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "status" : args[0];
        List<String> rest = List.of(args).subList(Math.min(1, args.length), args.length);
        try {
            switch (command) {
                case "up" -> {
                    UpOptions options = UpOptions.parse(rest, home());
                    refuseSettings(System::getenv);
                    up(new StateDir(home()), options);
                }
                case "down" -> lookAt(home()).ifPresent(Main::down);
                case "status" -> lookAt(home()).ifPresent(Main::status);
                default -> throw new InfraException("unknown command '" + command + "' (up, down, status)");
            }
        } catch (InfraException e) {
            System.err.println("imgboard: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * The state folder for {@code down} and {@code status}, which only look: they leave no folder behind and
     * change no mode. Empty (with a line saying why) when there is nothing of img-board there.
     */
    static Optional<StateDir> lookAt(Path home) {
        if (Files.exists(home) && !Files.isDirectory(home)) {
            throw new InfraException(StateDir.refusal(home));
        }
        if (!Files.isDirectory(home) || !StateDir.isStateFolder(home)) {
            System.out.println("nothing of img-board in " + home + ": " + (Files.isDirectory(home)
                    ? "it is not an img-board state folder" : "there is no such folder")
                    + " (is IMGBOARD_HOME the folder it was started in?)");
            return Optional.empty();
        }
        return Optional.of(StateDir.existing(home));
    }

    static Path home() {
        String home = System.getenv("IMGBOARD_HOME");
        return Path.of(home == null || home.isBlank() ? ".imgboard" : home).toAbsolutePath();
    }

    /** What {@code up} was asked for: {@code --detach}, {@code --source id=/path}…, {@code --scale service=N}…. */
    record UpOptions(boolean detach, Map<String, Path> sources, Map<String, Integer> scale, List<String> raw) {
        /** {@code home}: the state folder, which no source may hold or lie in. */
        static UpOptions parse(List<String> args, Path home) {
            boolean detach = false;
            Map<String, Path> sources = new LinkedHashMap<>();
            Map<String, Integer> scale = new LinkedHashMap<>();
            List<String> raw = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                String value = null;
                String option = arg;
                if (arg.startsWith("--") && arg.contains("=") && (arg.startsWith("--source=") || arg.startsWith("--scale="))) {
                    option = arg.substring(0, arg.indexOf('='));
                    value = arg.substring(arg.indexOf('=') + 1);
                }
                switch (option) {
                    case "--detach", "-d" -> detach = true;
                    case "--source", "--scale" -> {
                        if (value == null) {
                            if (i + 1 >= args.size()) {
                                throw new InfraException(option + " needs a value, e.g. "
                                        + (option.equals("--source") ? "--source nas=/mnt/photos" : "--scale preprocessor=2"));
                            }
                            value = args.get(++i);
                        }
                        if (option.equals("--source")) {
                            addSource(sources, value);
                        } else {
                            addScale(scale, value);
                        }
                        raw.add(option);
                        raw.add(value);
                        continue;
                    }
                    default -> throw new InfraException("unknown option '" + arg
                            + "' for up (--detach, --source id=/path, --scale preprocessor=N|display=N)");
                }
            }
            refuseOverlaps(sources, home);
            return new UpOptions(detach, sources, scale, raw);
        }

        /**
         * A source that holds the state folder ({@code /}, a home folder) or lies in it would have ingest import
         * img-board's own renditions, whose renditions it imports again; two sources one inside the other import
         * each file in both. Compared as real paths, so a link does not hide either.
         */
        private static void refuseOverlaps(Map<String, Path> sources, Path home) {
            Path state = realPath(home);
            List<Map.Entry<String, Path>> real = sources.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), realPath(e.getValue()))).toList();
            for (int i = 0; i < real.size(); i++) {
                String id = real.get(i).getKey();
                Path path = real.get(i).getValue();
                if (state.startsWith(path)) {
                    throw new InfraException("--source " + id + "=" + sources.get(id) + " holds the state folder " + home
                            + ": img-board would import its own renditions again and again; name a folder of photos only");
                }
                if (path.startsWith(state)) {
                    throw new InfraException("--source " + id + "=" + sources.get(id) + " lies inside the state folder "
                            + home + ": img-board would import its own files; name a folder outside it");
                }
                for (int j = i + 1; j < real.size(); j++) {
                    String other = real.get(j).getKey();
                    Path otherPath = real.get(j).getValue();
                    if (path.startsWith(otherPath) || otherPath.startsWith(path)) {
                        throw new InfraException("--source " + id + "=" + sources.get(id) + " and --source " + other + "="
                                + sources.get(other) + (path.equals(otherPath) ? " are the same folder"
                                : " lie one inside the other") + ": each file would be imported by both; give only one");
                    }
                }
            }
        }

        /** The path with its links resolved, as far as it exists (the state folder may not yet). */
        private static Path realPath(Path path) {
            Path absolute = path.toAbsolutePath().normalize();
            Path existing = absolute;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return absolute;
            }
            try {
                return existing.toRealPath().resolve(existing.relativize(absolute));
            } catch (IOException e) {
                return absolute;
            }
        }

        private static void addSource(Map<String, Path> sources, String value) {
            int eq = value.indexOf('=');
            if (eq <= 0 || eq == value.length() - 1) {
                throw new InfraException("--source " + value + ": expected id=/path/to/folder");
            }
            String id = value.substring(0, eq);
            if (!SourceIds.validName(id)) {
                throw new InfraException("--source " + value + ": the id '" + id + "' is not a source name: "
                        + SourceIds.NAME_RULE + " (ingest's rule)");
            }
            String raw = value.substring(eq + 1);
            if (raw.contains(";")) {
                throw new InfraException("--source " + value + ": a path with ';' cannot be passed to ingest "
                        + "(IMGBOARD_SOURCES separates sources with ';'); rename or link the folder");
            }
            Path path = Path.of(raw).toAbsolutePath().normalize();
            if (!Files.isDirectory(path)) {
                throw new InfraException("--source " + value + ": " + path + " is not a folder");
            }
            if (sources.put(id, path) != null) {
                throw new InfraException("--source " + id + " is given twice");
            }
        }

        private static void addScale(Map<String, Integer> scale, String value) {
            int eq = value.indexOf('=');
            String service = eq < 0 ? value : value.substring(0, eq);
            service = service.endsWith("-service") ? service : service + "-service";
            if (!Services.SCALABLE.contains(service)) {
                throw new InfraException("--scale " + value + ": only preprocessor and display run as several instances");
            }
            int count;
            try {
                count = Integer.parseInt(value.substring(eq + 1));
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                count = -1;
            }
            if (eq < 0 || count < 1 || count > 8) {
                throw new InfraException("--scale " + value + ": expected " + service.replace("-service", "") + "=N, N from 1 to 8");
            }
            scale.put(service, count);
        }
    }

    /**
     * Settings {@code up} cannot honour, refused with one line before anything starts. HTTPS: {@code up} hands one
     * environment to every service, so the display and ingest would get the same certificate and port, and its
     * readiness checks speak plain HTTP. The Kafka session timeout: one the broker refuses leaves services
     * ready but never in their consumer groups ({@link SessionTimeout}, the rule each service checks too).
     */
    static void refuseSettings(Function<String, String> env) {
        for (String variable : TLS_VARIABLES) {
            String value = env.apply(variable);
            if (value != null && !value.isBlank()) {
                throw new InfraException(variable + " is set, but ./imgboard up serves plain HTTP only (one certificate"
                        + " and port cannot go to both the display and ingest): for HTTPS run compose with"
                        + " deploy/compose/tls.yml, Kubernetes, or put a proxy in front; unset it for up");
            }
        }
        SessionTimeout.problem(blankAsNull(env.apply(SessionTimeout.VARIABLE))).ifPresent(problem -> {
            throw new InfraException(problem);
        });
    }

    private static final List<String> TLS_VARIABLES = List.of("IMGBOARD_TLS_CERT", "IMGBOARD_TLS_KEY", "IMGBOARD_TLS_PORT");

    private static String blankAsNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static void up(StateDir state, UpOptions options) {
        refuseIfRunning(state);
        if (options.detach()) {
            detach(state, options);
            return;
        }
        // What may still refuse (ports, tokens), before the shutdown path: a refusal is one line, no "stopping".
        Ports3 ports = infraPorts();
        Map<String, Integer> instancePorts = LocalSystem.instancePorts(LocalSystem.configuredServicePorts(System::getenv),
                options.scale());
        Credentials credentials = Credentials.of(state, System::getenv);
        // The shutdown path exists before anything starts: Ctrl-C at any moment stops what has started.
        Launch launch = new Launch(true);
        AtomicReference<Supervisor> supervisor = new AtomicReference<>();
        Path launcherPid = state.pidFile(LAUNCHER);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("imgboard: stopping …");
            Supervisor current = supervisor.get();
            if (current != null) {
                current.stopping();
            }
            launch.close();
            if (current != null) {
                current.stopped();
            }
            PidFile.delete(launcherPid);
            System.out.println("imgboard: stopped; data stays in " + state.root());
        }, "imgboard-stop"));
        PidFile.write(launcherPid, ProcessHandle.current());

        long began = System.nanoTime();
        System.out.println("imgboard: starting Kafka, PostgreSQL, the S3 server and " + instancePorts.size()
                + " service processes (state in " + state.root() + ") …");
        LocalSystem system;
        try {
            system = LocalSystem.start(Layout.find(), state, ports, instancePorts, credentials, options.sources(), launch);
        } catch (InfraException e) {
            if (launch.closed()) {
                return; // Ctrl-C or down during start-up: the shutdown path is stopping what started
            }
            launch.close();
            throw e;
        }
        double seconds = (System.nanoTime() - began) / 1e9;
        System.out.print(banner(state, instancePorts, options, seconds, false));
        Supervisor running = system.supervisor(state);
        supervisor.set(running);
        running.run(); // until the shutdown path closes the launch
    }

    /** Fails when a launcher runs for this state folder, or processes of one that was killed are left. */
    private static void refuseIfRunning(StateDir state) {
        Optional<ProcessHandle> launcher = PidFile.verified(state.pidFile(LAUNCHER));
        if (launcher.isPresent()) {
            throw new InfraException("already running (launcher pid " + launcher.get().pid()
                    + "); see ./imgboard status, stop it with ./imgboard down");
        }
        List<String> left = alive(state);
        if (!left.isEmpty()) {
            throw new InfraException("processes of an earlier run are still alive (" + String.join(", ", left)
                    + "); stop them with ./imgboard down");
        }
    }

    /**
     * {@code up --detach}: the same launcher as a background process in a session of its own,
     * output in {@code logs/launcher.log}; returns once everything is ready (or explains why not).
     */
    private static void detach(StateDir state, UpOptions options) {
        List<String> command = new ArrayList<>();
        command.add(Layout.java());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "up"));
        command.addAll(options.raw());
        Path log = state.logFile(LAUNCHER);
        ProcessBuilder builder = new ProcessBuilder(ManagedProcess.ownSession(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("IMGBOARD_HOME", state.root().toString());
        long began = System.nanoTime();
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            throw new InfraException("cannot start the launcher in the background: " + e.getMessage(), e);
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(10));
        while (true) {
            if (!child.isAlive()) {
                throw new InfraException("the launcher stopped during start-up; last lines of " + log + ":\n"
                        + ManagedProcess.tail(log, 15));
            }
            JsonNode status = readStatus(state);
            if (status != null && status.path("supervisor").path("pid").asLong() == child.pid()
                    && status.path("supervisor").path("state").asText().equals("running")) {
                break;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new InfraException("not ready after 10 minutes; see " + log + " (stop with ./imgboard down)");
            }
            Sleeper.pause(Duration.ofMillis(250));
        }
        Map<String, Integer> instancePorts = LocalSystem.instancePorts(LocalSystem.configuredServicePorts(System::getenv),
                options.scale());
        System.out.print(banner(state, instancePorts, options, (System.nanoTime() - began) / 1e9, true));
    }

    private static String banner(StateDir state, Map<String, Integer> instancePorts, UpOptions options, double seconds,
                                 boolean detached) {
        String display = LocalSystem.localUrl(instancePorts.get("display-service"));
        String ingest = LocalSystem.localUrl(instancePorts.get("ingest-service"));
        Path secrets = state.root().resolve("secrets");
        StringBuilder more = new StringBuilder();
        instancePorts.forEach((instance, port) -> {
            if (!Services.DEFAULT_PORTS.containsKey(instance)) {
                more.append(String.format("  %-13s %s%n", instance.replace("-service", ""), LocalSystem.localUrl(port)));
            }
        });
        options.sources().forEach((id, path) -> more.append(String.format("  source        folder:%s ← %s%n", id, path)));
        return String.format("""

                img-board is up (%.1f s).
                  frame page    %s/
                  admin         %s/admin   (asks for the admin token)
                  ops           %s/ops
                  upload        curl -H "Authorization: Bearer %s" -F file=@photo.jpg %s/api/v1/uploads
                %s  tokens        %s
                  state folder  %s
                  status        ./imgboard status    logs: ./imgboard logs [service]
                %s
                """, seconds, display, display, display, uploadToken(secrets), ingest, more, tokensLine(secrets), state.root(),
                detached ? "Stop with ./imgboard down." : "Stop with Ctrl-C or ./imgboard down.");
    }

    /** The upload token as a shell expression: the variable it came from, else the file it was generated into. */
    private static String uploadToken(Path secrets) {
        String set = System.getenv(Credentials.UPLOAD_VARIABLE);
        return set != null && !set.isBlank() ? "$" + Credentials.UPLOAD_VARIABLE
                : "$(cat " + Watchdog.quote(secrets.resolve("upload-token").toString()) + ")";
    }

    /** Where each token is, never the token itself. */
    private static String tokensLine(Path secrets) {
        List<String> parts = new ArrayList<>();
        for (String[] t : new String[][] {{"admin-token", Credentials.ADMIN_VARIABLE},
                {"upload-token", Credentials.UPLOAD_VARIABLE}, {"service-token", Credentials.SERVICE_VARIABLE}}) {
            String set = System.getenv(t[1]);
            parts.add(set != null && !set.isBlank() ? t[0] + " from $" + t[1] : t[0]);
        }
        return String.join(", ", parts) + " in " + secrets + " (mode 600)";
    }

    private static Ports3 infraPorts() {
        return new Ports3(port(System.getenv("IMGBOARD_KAFKA_PORT"), "IMGBOARD_KAFKA_PORT", 9092),
                port(System.getenv("IMGBOARD_KAFKA_CONTROLLER_PORT"), "IMGBOARD_KAFKA_CONTROLLER_PORT", 9093),
                port(System.getenv("IMGBOARD_POSTGRES_PORT"), "IMGBOARD_POSTGRES_PORT", 15432),
                port(System.getenv("IMGBOARD_S3_PORT"), "IMGBOARD_S3_PORT", 9000));
    }

    /**
     * Asks the launcher to stop (it stops everything in order), then stops whatever a launcher that
     * was killed left behind, by verified pid files only.
     */
    private static void down(StateDir state) {
        Optional<ProcessHandle> launcher = PidFile.verified(state.pidFile(LAUNCHER));
        boolean wasRunning = launcher.isPresent();
        if (launcher.isPresent()) {
            System.out.println("stopping the launcher (pid " + launcher.get().pid() + ") and everything it started …");
            launcher.get().destroy();
            try {
                launcher.get().onExit().get(180, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.out.println("the launcher did not stop within 180 s; killing it");
                launcher.get().destroyForcibly();
            }
        }
        List<String> services = new ArrayList<>();
        List<String> infra = new ArrayList<>();
        for (String name : pidFileNames(state)) {
            if (name.equals(LAUNCHER)) {
                continue;
            }
            (INFRA_NAMES.contains(name) ? infra : services).add(name);
        }
        for (String service : services) {
            Optional<Long> stopped = ManagedProcess.stopByPidFile(state.pidFile(service), Duration.ofSeconds(20));
            stopped.ifPresent(pid -> System.out.println("stopped " + service + " (pid " + pid + ")"));
            wasRunning |= stopped.isPresent();
        }
        if (infra.contains(PostgresServer.NAME)) {
            Optional<ProcessHandle> postgres = PidFile.verified(state.pidFile(PostgresServer.NAME));
            PostgresServer.stop(state);
            postgres.ifPresent(h -> System.out.println("stopped postgres (pid " + h.pid() + ")"));
            wasRunning |= postgres.isPresent();
        }
        for (String name : List.of(S3Server.NAME, KafkaServer.NAME)) {
            Optional<Long> stopped = ManagedProcess.stopByPidFile(state.pidFile(name), Duration.ofSeconds(30));
            stopped.ifPresent(pid -> System.out.println("stopped " + name + " (pid " + pid + ")"));
            wasRunning |= stopped.isPresent();
        }
        PidFile.delete(state.pidFile(LAUNCHER));
        System.out.println(wasRunning ? "img-board is down; data stays in " + state.root()
                : "nothing of img-board was running in " + state.root() + " (is IMGBOARD_HOME the folder it was started in?)");
    }

    /** Each process with its pid, port, state (readiness), uptime, restarts and how it last ended. */
    private static void status(StateDir state) {
        Optional<ProcessHandle> launcher = PidFile.verified(state.pidFile(LAUNCHER));
        JsonNode status = launcher.isPresent() ? readStatus(state) : null;
        if (status != null && status.path("supervisor").path("pid").asLong() == launcher.get().pid()) {
            System.out.printf("launcher (supervisor) pid %d, %s, up %s%n", launcher.get().pid(),
                    status.path("supervisor").path("state").asText(),
                    uptime(launcher.get().info().startInstant().map(Instant::toString)
                            .orElse(status.path("supervisor").path("startedAt").asText(null))));
            System.out.printf("%-24s %-8s %-6s %-9s %-10s %-8s %-7s %s%n", "PROCESS", "PID", "PORT", "STATE", "UPTIME",
                    "RESTARTS", "MEMORY", "LAST EXIT");
            long startedKb = 0;
            for (JsonNode p : status.path("processes")) {
                boolean alive = p.hasNonNull("pid") && ProcessHandle.of(p.get("pid").asLong()).map(ProcessHandle::isAlive)
                        .orElse(false);
                OptionalLong kb = alive ? ProcessMemory.ofTreeKb(p.get("pid").asLong()) : OptionalLong.empty();
                startedKb += kb.orElse(0);
                String st = p.path("state").asText();
                System.out.printf("%-24s %-8s %-6s %-9s %-10s %-8d %-7s %s%n", p.path("name").asText(),
                        p.hasNonNull("pid") ? p.get("pid").asText() : "-", p.path("port").asText(),
                        alive || st.equals("backoff") ? st : "stopped",
                        alive ? uptime(p.path("startedAt").asText(null)) : "-", p.path("restarts").asInt(),
                        kb.isPresent() ? kb.getAsLong() / 1024 + " MB" : "-",
                        p.hasNonNull("lastExit") ? p.get("lastExit").asText() + " at " + p.path("lastExitAt").asText() : "-");
            }
            // Everything `up` runs descends from the supervisor, whose own JVM counts too.
            long allKb = ProcessMemory.ofTreeKb(launcher.get().pid()).orElse(startedKb);
            System.out.printf("memory in all: %d MB, the supervisor's own %d MB included (each process with its children;"
                    + " a page shared between processes counts for each a share; at rest it should stay within %d MB)%n",
                    allKb / 1024, Math.max(0, allKb - startedKb) / 1024, ProcessMemory.STACK_AT_REST_MB);
            return;
        }
        // A launcher without a status of its own is still starting the broker, PostgreSQL and S3: its
        // supervisor writes the status once it starts the services.
        String others = launcher.map(h -> "started by the launcher").orElse("running without a supervisor");
        System.out.println(launcher.map(h -> "launcher pid " + h.pid() + ": starting, up "
                        + uptime(h.info().startInstant().map(Instant::toString).orElse(null))
                        + " (the services start once Kafka, PostgreSQL and S3 are up; ./imgboard logs launcher)")
                .orElse("launcher (supervisor): not running"));
        List<String> names = pidFileNames(state);
        if (names.isEmpty() || launcher.isEmpty() && names.equals(List.of(LAUNCHER))) {
            System.out.println("nothing is running");
        }
        for (String name : names) {
            if (!name.equals(LAUNCHER)) {
                System.out.printf("%-24s %s%n", name, PidFile.verified(state.pidFile(name))
                        .map(h -> others + " (pid " + h.pid() + "); ./imgboard down stops it")
                        .orElse("stopped"));
            }
        }
    }

    static JsonNode readStatus(StateDir state) {
        try {
            return JSON.readTree(Supervisor.statusFile(state).toFile());
        } catch (IOException e) {
            return null;
        }
    }

    private static String uptime(String since) {
        if (since == null) {
            return "-";
        }
        long s = Duration.between(Instant.parse(since), Instant.now()).toSeconds();
        return s >= 3600 ? (s / 3600) + "h" + (s % 3600 / 60) + "m" : s >= 60 ? (s / 60) + "m" + (s % 60) + "s" : s + "s";
    }

    private static List<String> pidFileNames(StateDir state) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(state.root().resolve("run"), "*.pid")) {
            for (Path pidFile : pids) {
                names.add(pidFile.getFileName().toString().replaceFirst("\\.pid$", ""));
            }
        } catch (IOException ignored) {
            // no run folder yet: nothing is running
        }
        names.sort(null);
        return names;
    }

    private static List<String> alive(StateDir state) {
        List<String> alive = new ArrayList<>();
        for (String name : pidFileNames(state)) {
            PidFile.verified(state.pidFile(name)).ifPresent(h -> alive.add(name + " pid " + h.pid()));
        }
        return alive;
    }

    static int port(String value, String variable, int fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new InfraException(variable + "=" + value + " is not a port number");
        }
        if (port < 1 || port > 65535) {
            throw new InfraException(variable + "=" + value + " is not a port number (1 to 65535)");
        }
        return port;
    }
}
