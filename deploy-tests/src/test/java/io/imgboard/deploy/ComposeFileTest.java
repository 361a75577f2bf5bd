package io.imgboard.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import io.imgboard.events.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.imgboard.deploy.Kustomize.list;
import static io.imgboard.deploy.Kustomize.map;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml, checked offline: dclint (the Compose schema it bundles, plus its rules) when
 * {@code ./imgboard test} could install it, and the project's own rules always.
 */
class ComposeFileTest {
    private static final Path COMPOSE = Project.ROOT.resolve("docker-compose.yml");
    private static final Path TLS = Project.ROOT.resolve("deploy/compose/tls.yml");
    private static final Path DCLINT_DIR = Project.ROOT.resolve("deploy-tests/dclint");
    private static final Pattern SECRET_NAME = Pattern.compile(".*(TOKEN|PASSWORD|SECRET).*");
    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("^\\$\\{[A-Z0-9_]+:\\?[^}]+\\}$");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)");
    private static final Map<String, String> SERVICES = Map.of("ledger", "ledger", "preprocessor", "preprocessor",
            "ingest", "ingest", "display", "display");

    @Test
    void dclintFindsNoProblem() throws Exception {
        Path dclint = DCLINT_DIR.resolve("node_modules/.bin/dclint");
        if (!nodeRunsDclint()) {
            // bookworm's own nodejs (18) cannot run dclint 3.1.0; the project rules in this class still run.
            System.out.println("Node >= 20.19 is not on PATH: docker-compose.yml was checked without dclint");
            return;
        }
        assertTrue(Files.isExecutable(dclint), "Node >= 20.19 is here, so ./imgboard test installs dclint: " + dclint);
        Lint clean = dclint(COMPOSE, TLS);
        assertEquals(0, clean.code(), clean.output());

        // The same linter refuses a broken file, so a pass above means something.
        Path broken = Files.createTempFile("compose-", ".yml");
        try {
            String original = Files.readString(COMPOSE);
            String typo = original.replace("    healthcheck:\n      test: [\"CMD-SHELL\", \"PGPASSWORD",
                    "    helthcheck:\n      test: [\"CMD-SHELL\", \"PGPASSWORD");
            assertNotEquals(original, typo, "the postgres health check moved; update this test");
            Files.writeString(broken, typo);
            Lint refused = dclint(broken);
            assertNotEquals(0, refused.code(), "dclint accepted a misspelt key:\n" + refused.output());
        } finally {
            Files.deleteIfExists(broken);
        }
    }

    @Test
    void everyImageIsPinnedAndEveryLongRunningServiceHasAHealthCheck() throws IOException {
        Map<String, Object> services = services(COMPOSE);
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> e : services.entrySet()) {
            Map<String, Object> service = map(e.getValue());
            String name = e.getKey();
            if (service.get("image") != null && !Project.pinned((String) service.get("image"))) {
                problems.add(name + ": image " + service.get("image") + " is not pinned to a release");
            }
            if (service.get("image") == null && service.get("build") == null) {
                problems.add(name + ": neither image nor build");
            }
            boolean oneShot = "no".equals(String.valueOf(service.get("restart")));
            if (oneShot) {
                // A job others wait for to finish: a health check would mean nothing.
                for (Map.Entry<String, Object> other : services.entrySet()) {
                    Map<String, Object> deps = map(map(other.getValue()).get("depends_on"));
                    if (deps != null && deps.containsKey(name)) {
                        assertEquals("service_completed_successfully", map(deps.get(name)).get("condition"),
                                other.getKey() + " must wait for the job " + name + " to finish");
                    }
                }
            } else if (service.get("healthcheck") == null) {
                problems.add(name + ": no healthcheck");
            }
            Object deps = service.get("depends_on");
            if (deps instanceof List<?>) {
                problems.add(name + ": depends_on without conditions (use the long form)");
            } else if (deps != null) {
                map(deps).forEach((dep, spec) -> {
                    if (!services.containsKey(dep)) {
                        problems.add(name + ": depends on unknown service " + dep);
                    }
                    if (map(spec) == null || map(spec).get("condition") == null) {
                        problems.add(name + ": depends on " + dep + " without a condition");
                    }
                });
            }
        }
        String dockerfile = Files.readString(Project.ROOT.resolve("deploy/docker/Dockerfile.jvm"));
        Matcher from = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile);
        while (from.find()) {
            if (!Project.pinned(from.group(1))) {
                problems.add("Dockerfile.jvm: base image " + from.group(1) + " is not pinned");
            }
        }
        assertTrue(dockerfile.contains("libvips42"), "the service image must carry libvips");
        // The images run with the JVM options ./imgboard gives every Java process (one file for both).
        assertTrue(dockerfile.contains("COPY deploy/jvm.options /app/jvm.options"), "the image must carry deploy/jvm.options");
        assertTrue(Pattern.compile("(?m)^ENTRYPOINT .*exec java @/app/jvm.options ").matcher(dockerfile).find(),
                "the image's java must read /app/jvm.options");
        assertEquals(List.of(), problems);
    }

    /**
     * Every service built from Dockerfile.jvm bounds its heap in JAVA_OPTS (the image's own default,
     * 60 % of the memory it sees, is the whole host's under compose) and keeps the image's
     * ExitOnOutOfMemoryError, which the variable replaces; the image's java reads $JAVA_OPTS after
     * deploy/jvm.options. The preprocessor runs with at least the options Kubernetes gives it.
     */
    @Test
    void everyServiceJvmHasAHeapBound() throws IOException {
        Map<String, Object> services = services(COMPOSE);
        List<String> problems = new ArrayList<>();
        for (String name : SERVICES.keySet()) {
            Map<String, Object> service = map(services.get(name));
            assertEquals("deploy/docker/Dockerfile.jvm", map(service.get("build")).get("dockerfile"), name);
            Object options = map(service.get("environment")).get("JAVA_OPTS");
            if (options == null) {
                problems.add(name + ": no JAVA_OPTS (the image's default heap is 60 % of the host's memory)");
                continue;
            }
            List<String> flags = List.of(String.valueOf(options).split("\\s+"));
            if (flags.stream().noneMatch(f -> f.matches("-Xmx\\d+[kKmMgG]?"))) {
                problems.add(name + ": JAVA_OPTS sets no -Xmx: " + options);
            }
            if (!flags.contains("-XX:+ExitOnOutOfMemoryError")) {
                problems.add(name + ": JAVA_OPTS drops the image's -XX:+ExitOnOutOfMemoryError: " + options);
            }
        }
        Map<String, Object> deployment = Kustomize.readAll(KubernetesManifestsTest.KUBERNETES.resolve("base/preprocessor.yaml")).get(0);
        Map<String, Object> container = map(list(map(map(map(deployment.get("spec")).get("template")).get("spec"))
                .get("containers")).get(0));
        String kubernetes = list(container.get("env")).stream().map(Kustomize::map)
                .filter(e -> "JAVA_OPTS".equals(e.get("name"))).map(e -> String.valueOf(e.get("value"))).findFirst()
                .orElseThrow(() -> new AssertionError("Kubernetes gives the preprocessor no JAVA_OPTS"));
        List<String> compose = List.of(String.valueOf(map(map(services.get("preprocessor")).get("environment"))
                .get("JAVA_OPTS")).split("\\s+"));
        for (String flag : kubernetes.split("\\s+")) {
            if (!compose.contains(flag)) {
                problems.add("preprocessor: Kubernetes gives it " + flag + ", compose does not");
            }
        }
        String dockerfile = Files.readString(Project.ROOT.resolve("deploy/docker/Dockerfile.jvm"));
        assertTrue(Pattern.compile("(?m)^ENTRYPOINT .*exec java @/app/jvm.options \\$JAVA_OPTS ").matcher(dockerfile).find(),
                "the image's java must read $JAVA_OPTS after /app/jvm.options");
        assertEquals(List.of(), problems);
    }

    /** The one broker has no replica: it flushes each record before acknowledging it (as in the dev overlay). */
    @Test
    void theSingleBrokerFlushesEachRecord() throws IOException {
        Map<String, Object> env = map(map(services(COMPOSE).get("kafka")).get("environment"));
        assertEquals("1@kafka:9093", env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"), "compose runs one broker; update this test");
        assertEquals("1", String.valueOf(env.get("KAFKA_LOG_FLUSH_INTERVAL_MESSAGES")),
                "a single broker must flush each record before acknowledging it");
    }

    /** Without KAFKA_HEAP_OPTS the image's start script gives the broker -Xms1G -Xmx1G, all of it for good. */
    @Test
    void theBrokerHeapIsBounded() throws IOException {
        Object options = map(map(services(COMPOSE).get("kafka")).get("environment")).get("KAFKA_HEAP_OPTS");
        assertTrue(options != null && List.of(String.valueOf(options).split("\\s+")).stream()
                .anyMatch(f -> f.matches("-Xmx\\d+[kKmMgG]?")), "KAFKA_HEAP_OPTS sets no -Xmx: " + options);
    }

    @Test
    void secretsComeOnlyFromRequiredVariablesAndEveryVariableIsInEnvExample() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (Path file : List.of(COMPOSE, TLS)) {
            services(file).forEach((name, value) -> {
                Map<String, Object> env = map(map(value).get("environment"));
                if (env == null) {
                    return;
                }
                env.forEach((key, v) -> {
                    String text = String.valueOf(v);
                    if (SECRET_NAME.matcher(key).matches() && !REQUIRED_VARIABLE.matcher(text).matches()) {
                        problems.add(file.getFileName() + " " + name + ": " + key + " must be ${VAR:?message}, not " + text);
                    }
                });
            });
            Matcher m = VARIABLE.matcher(Files.readString(file).replaceAll("(?m)^\\s*#.*$", ""));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        String example = Files.readString(Project.ROOT.resolve(".env.example"));
        for (String variable : used) {
            if (!Pattern.compile("(?m)^" + variable + "=").matcher(example).find()) {
                problems.add(".env.example lacks " + variable);
            }
        }
        Matcher filled = Pattern.compile("(?m)^([A-Z_]*(TOKEN|PASSWORD|SECRET_KEY))=(.+)$").matcher(example);
        while (filled.find()) {
            problems.add(".env.example must not hold a value for " + filled.group(1));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void credentialsAreKeptApartAndPortsMatchTheServices() throws IOException {
        Map<String, Object> services = services(COMPOSE);
        for (String name : SERVICES.keySet()) {
            Map<String, Object> service = map(services.get(name));
            Map<String, Object> env = map(service.get("environment"));
            int port = Project.httpPort(SERVICES.get(name));
            assertEquals(Integer.toString(port), String.valueOf(env.get("QUARKUS_HTTP_PORT")), name + ": port");
            assertTrue(String.valueOf(map(service.get("healthcheck")).get("test")).contains(":" + port + "/q/health/ready"),
                    name + ": the health check must ask /q/health/ready on " + port);
            assertEquals(Project.readsServiceToken(SERVICES.get(name)), env.containsKey("IMGBOARD_SERVICE_TOKEN"),
                    name + ": IMGBOARD_SERVICE_TOKEN (every service whose code reads it, and only those)");
            for (String s3 : List.of("IMGBOARD_S3_ENDPOINT", "IMGBOARD_S3_ACCESS_KEY", "IMGBOARD_S3_SECRET_KEY")) {
                assertEquals(Project.usesS3(SERVICES.get(name)), env.containsKey(s3),
                        name + ": " + s3 + " (every service that talks to S3, and only those)");
            }
            assertEquals(name.equals("ingest"), env.containsKey("IMGBOARD_UPLOAD_TOKEN"),
                    name + ": only ingest holds the upload token");
            assertEquals(name.equals("ingest") || name.equals("display"), env.containsKey("IMGBOARD_ADMIN_TOKEN"),
                    name + ": only display and ingest hold the admin token");
            boolean published = service.get("ports") != null;
            assertEquals(name.equals("ingest") || name.equals("display"), published,
                    name + ": only display and ingest are published");
        }
        // The rule above as it stands today, so a reader that found nothing (or everything) cannot pass it.
        for (String reader : List.of("ledger", "ingest", "display")) {
            assertTrue(Project.readsServiceToken(reader), reader + " reads the service token");
        }
        assertFalse(Project.readsServiceToken("preprocessor"), "the preprocessor calls no other service");
        for (Object v : list(map(services.get("ingest")).get("volumes"))) {
            if (String.valueOf(v).endsWith(":/photos")) {
                Map<String, Object> env = map(map(services.get("ingest")).get("environment"));
                assertTrue(String.valueOf(env.get("IMGBOARD_SOURCES")).contains("=/photos"),
                        "the folder-source volume must be a source");
                assertTrue(String.valueOf(env.get("IMGBOARD_EXPORT_ALLOWED_ROOTS")).contains("/photos"),
                        "an export must be allowed into the folder-source volume: " + env.get("IMGBOARD_EXPORT_ALLOWED_ROOTS"));
                assertTrue(String.valueOf(env.get("IMGBOARD_SOURCE_ROOTS")).contains("/photos"),
                        "a source added in the admin must be allowed in the folder-source volume: "
                                + env.get("IMGBOARD_SOURCE_ROOTS"));
                return;
            }
        }
        throw new AssertionError("ingest has no folder-source volume at /photos");
    }

    @Test
    void namedVolumesAreDeclaredAndEveryTopicIsCreated() throws IOException {
        Map<String, Object> compose = Kustomize.YAML.readValue(COMPOSE.toFile(), new TypeReference<>() { });
        Set<String> declared = map(compose.get("volumes")).keySet();
        map(compose.get("services")).forEach((name, value) -> {
            for (Object v : list(map(value).get("volumes"))) {
                String source = String.valueOf(v).split(":")[0];
                if (source.matches("[a-z][a-z0-9_-]*")) {
                    assertTrue(declared.contains(source), name + " uses undeclared volume " + source);
                }
            }
        });
        String topicsJob = String.valueOf(map(map(compose.get("services")).get("topics")).get("command"));
        Topics.ALL.forEach((topic, compacted) -> {
            Matcher line = Pattern.compile("--topic " + Pattern.quote(topic) + " [^\\n]*").matcher(topicsJob);
            assertTrue(line.find(), "compose does not create " + topic);
            assertEquals(compacted, line.group().contains("cleanup.policy=compact"), topic + ": compaction");
        });
        Matcher partitions = Pattern.compile("--topic " + Pattern.quote(Topics.PROCESS_REQUESTS) + " --partitions (\\d+)")
                .matcher(topicsJob);
        assertTrue(partitions.find() && Integer.parseInt(partitions.group(1)) >= 4,
                "process-requests needs partitions for several preprocessors");
    }

    /**
     * .dockerignore leaves everything out (.imgboard's secrets and photos, .git, node_modules, target folders)
     * and lets back in each path the Dockerfile a compose build uses COPYs, for the SERVICE it names. A
     * re-include names its path: the classic builder does not look into a left-out folder for a wildcard one.
     */
    @Test
    void theBuildContextHoldsWhatTheDockerfileCopies() throws IOException {
        List<String> rules = Files.readAllLines(Project.ROOT.resolve(".dockerignore")).stream()
                .map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertEquals("*", rules.get(0), ".dockerignore no longer starts by leaving everything out");
        List<String> letIn = new ArrayList<>();
        for (String rule : rules.subList(1, rules.size())) {
            assertTrue(rule.matches("![^*?\\[]+"), "not a re-include of a named path: " + rule);
            letIn.add(rule.substring(1));
        }
        int builds = 0;
        for (Map.Entry<String, Object> e : services(COMPOSE).entrySet()) {
            Map<String, Object> build = map(map(e.getValue()).get("build"));
            if (build == null) {
                continue;
            }
            builds++;
            assertEquals(".", build.get("context"), e.getKey() + ": .dockerignore is for the repository root");
            String service = String.valueOf(map(build.get("args")).get("SERVICE"));
            Matcher copy = Pattern.compile("(?m)^COPY (\\S+) ")
                    .matcher(Files.readString(Project.ROOT.resolve(String.valueOf(build.get("dockerfile")))));
            int copies = 0;
            while (copy.find()) {
                copies++;
                String source = copy.group(1).replace("${SERVICE}", service);
                assertTrue(letIn.stream().anyMatch(in -> source.equals(in) || source.startsWith(in + "/")),
                        e.getKey() + ": .dockerignore leaves out " + source + ", which its Dockerfile copies");
            }
            assertTrue(copies > 0, e.getKey() + ": no COPY found in its Dockerfile");
        }
        assertTrue(builds > 0, "no compose service is built here any more; update this test");
    }

    private static Map<String, Object> services(Path file) throws IOException {
        Map<String, Object> compose = Kustomize.YAML.readValue(file.toFile(), new TypeReference<>() { });
        return map(compose.get("services"));
    }

    record Lint(int code, String output) {
    }

    private static Lint dclint(Path... files) throws Exception {
        List<String> command = new ArrayList<>(List.of(DCLINT_DIR.resolve("node_modules/.bin/dclint").toString(),
                "-c", DCLINT_DIR.resolve(".dclintrc").toString(), "--max-warnings", "0", "--color", "false"));
        for (Path f : files) {
            command.add(f.toString());
        }
        Process p = new ProcessBuilder(command).directory(Project.ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "dclint did not finish");
        return new Lint(p.exitValue(), out);
    }

    /** True when a Node that dclint 3.1.0 runs on (>= 20.19) is on PATH, as {@code ./imgboard test} checks too. */
    private static boolean nodeRunsDclint() throws IOException, InterruptedException {
        try {
            Process node = new ProcessBuilder("node", "-e",
                    "const [a,b]=process.versions.node.split('.').map(Number); process.exit(a>20||(a==20&&b>=19)?0:1)")
                    .redirectErrorStream(true).start();
            node.getInputStream().readAllBytes();
            return node.waitFor(30, TimeUnit.SECONDS) && node.exitValue() == 0;
        } catch (IOException noNode) {
            return false;
        }
    }
}
