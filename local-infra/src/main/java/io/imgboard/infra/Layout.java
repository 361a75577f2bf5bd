package io.imgboard.infra;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Where the launcher finds what the build produced and what the OS provides. */
public record Layout(Path projectRoot) {

    /** The project root: {@code IMGBOARD_ROOT}, else the nearest folder above the working directory with local-infra in it. */
    public static Layout find() {
        String configured = System.getenv("IMGBOARD_ROOT");
        if (configured != null && !configured.isBlank()) {
            return new Layout(Path.of(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("local-infra/kafka-broker/pom.xml"))) {
                return new Layout(dir);
            }
        }
        throw new InfraException("cannot find the img-board project root above " + Path.of("").toAbsolutePath()
                + "; set IMGBOARD_ROOT");
    }

    public Path kafkaLibs() {
        return built(projectRoot.resolve("local-infra/kafka-broker/target/lib"), "Kafka broker jars");
    }

    public Path s3proxyJar() {
        return built(projectRoot.resolve("local-infra/target/s3proxy/s3proxy.jar"), "s3proxy");
    }

    public Path serviceJar(String service) {
        return built(projectRoot.resolve(service).resolve("target/quarkus-app/quarkus-run.jar"), service);
    }

    /** The java that runs this launcher, so every child runs on the same JDK. */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The JVM options every img-board server runs with, here and in the images (a java argument file). */
    public Path jvmOptions() {
        Path options = projectRoot.resolve("deploy/jvm.options");
        if (!Files.isRegularFile(options)) {
            throw new InfraException(options + " is missing: it is part of the project (git checkout -- deploy/jvm.options)");
        }
        return options;
    }

    /**
     * {@code java} and the JVM options of a Java process the project starts (a service, the broker,
     * the S3 server): {@code own}, then {@link #jvmOptions()}, then {@code IMGBOARD_JVM_OPTIONS}
     * (space-separated). That is unset under {@code up}; the tests set {@code -XX:TieredStopAtLevel=1}
     * (the root pom's {@code test.jvm.options}), because their processes live for seconds to minutes and
     * spend much of their CPU compiling at start.
     */
    public List<String> javaCommand(String... own) {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(List.of(own));
        command.add("@" + jvmOptions());
        String extra = System.getenv("IMGBOARD_JVM_OPTIONS");
        if (extra != null && !extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        return command;
    }

    /** PostgreSQL server binaries: {@code IMGBOARD_PG_BIN}, else the newest /usr/lib/postgresql/N/bin. */
    public static Path postgresBin() {
        String configured = System.getenv("IMGBOARD_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (Stream<Path> versions = Files.list(base)) {
                List<Path> bins = versions.map(v -> v.resolve("bin"))
                        .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                        .sorted(Comparator.comparing(Layout::majorVersion).reversed())
                        .toList();
                if (!bins.isEmpty()) {
                    return bins.get(0);
                }
            } catch (java.io.IOException ignored) {
                // fall through to the message below
            }
        }
        throw new InfraException("PostgreSQL server binaries not found under /usr/lib/postgresql; "
                + "install them with: apt-get install -y postgresql (or set IMGBOARD_PG_BIN)");
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Path built(Path path, String what) {
        if (!Files.exists(path)) {
            throw new InfraException(what + " not built (" + path + " missing); run: mvn -DskipTests package");
        }
        return path;
    }
}
