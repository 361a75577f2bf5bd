package io.imgboard.deploy;

import io.imgboard.events.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.imgboard.deploy.Kustomize.list;
import static io.imgboard.deploy.Kustomize.map;
import static io.imgboard.deploy.Kustomize.name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every overlay in deploy/kubernetes/overlays, rendered and checked offline: each object against
 * fabric8's typed model or its operator's schema ({@link ManifestValidator}), then the rules the
 * system depends on (probes, resources, disruption budgets, network policies, topics).
 */
class KubernetesManifestsTest {
    static final Path KUBERNETES = Project.ROOT.resolve("deploy/kubernetes");
    private static final List<String> SERVICES = List.of("ledger", "preprocessor", "ingest", "display");
    private static final Set<String> PUBLIC = Set.of("display", "ingest");

    static Stream<Path> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(KUBERNETES.resolve("overlays"))) {
            List<Path> all = dirs.filter(d -> Files.exists(d.resolve("kustomization.yaml"))).sorted().toList();
            assertTrue(all.size() >= 2, "expected the dev and prod overlays, found " + all);
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectIsValid(Path overlay) throws IOException {
        List<Map<String, Object>> objects = Kustomize.render(overlay);
        assertTrue(objects.size() > 20, "rendered only " + objects.size() + " objects");
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            problems.addAll(ManifestValidator.problems(object));
        }
        assertEquals(List.of(), problems, overlay.getFileName() + " has invalid objects");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void theServicesAreProbedSizedBudgetedAndGuarded(Path overlay) throws IOException {
        List<Map<String, Object>> objects = Kustomize.render(overlay);
        Map<String, Map<String, Object>> byKindName = new HashMap<>();
        String namespace = null;
        for (Map<String, Object> o : objects) {
            byKindName.put(o.get("kind") + "/" + name(o), o);
            if ("Namespace".equals(o.get("kind"))) {
                namespace = name(o);
            }
        }
        assertTrue(namespace != null, "the overlay creates its namespace");
        for (Map<String, Object> o : objects) {
            if (!"Namespace".equals(o.get("kind"))) {
                assertEquals(namespace, map(o.get("metadata")).get("namespace"), o.get("kind") + "/" + name(o));
            }
            String apiVersion = String.valueOf(o.get("apiVersion"));
            assertFalse(apiVersion.startsWith("kafka.strimzi.io/") && !apiVersion.equals("kafka.strimzi.io/v1"),
                    "Strimzi 1.0 serves only kafka.strimzi.io/v1: " + o.get("kind") + "/" + name(o));
        }
        for (String service : SERVICES) {
            Map<String, Object> deployment = byKindName.get("Deployment/" + service);
            assertTrue(deployment != null, "no Deployment " + service);
            Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
            assertEquals(Boolean.TRUE, map(pod.get("securityContext")).get("runAsNonRoot"), service);
            for (Object c : list(pod.get("containers"))) {
                Map<String, Object> container = map(c);
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    assertTrue(container.containsKey(probe), service + " has no " + probe);
                }
                assertEquals("/q/health/ready", map(map(container.get("readinessProbe")).get("httpGet")).get("path"));
                Map<String, Object> resources = map(container.get("resources"));
                assertTrue(map(resources.get("requests")).containsKey("cpu"), service + ": cpu request");
                assertTrue(map(resources.get("requests")).containsKey("memory"), service + ": memory request");
                assertTrue(map(resources.get("limits")).containsKey("memory"), service + ": memory limit");
                assertTrue(Project.pinned((String) container.get("image")), service + ": image " + container.get("image"));
                int port = (Integer) map(list(container.get("ports")).get(0)).get("containerPort");
                assertEquals(Project.httpPort(service), port, service + ": port differs from application.properties");
                for (Object e : list(container.get("env"))) {
                    Map<String, Object> env = map(e);
                    if (String.valueOf(env.get("name")).matches(".*(TOKEN|PASSWORD|SECRET).*")) {
                        assertTrue(env.containsKey("valueFrom") && !env.containsKey("value"),
                                service + ": " + env.get("name") + " must come from a Secret");
                    }
                }
                for (String s3 : List.of("IMGBOARD_S3_ACCESS_KEY", "IMGBOARD_S3_SECRET_KEY")) {
                    boolean has = list(container.get("env")).stream().anyMatch(e -> s3.equals(map(e).get("name")));
                    assertEquals(Project.usesS3(service), has, service + ": " + s3 + " (every service that talks to S3)");
                }
                boolean hasUpload = list(container.get("env")).stream()
                        .anyMatch(e -> "IMGBOARD_UPLOAD_TOKEN".equals(map(e).get("name")));
                assertEquals(service.equals("ingest"), hasUpload, service + ": only ingest holds the upload token");
                Object proxies = list(container.get("env")).stream().map(e -> map(e))
                        .filter(e -> "IMGBOARD_AUTH_TRUSTED_PROXIES".equals(e.get("name"))).map(e -> e.get("value")).findFirst().orElse(null);
                assertEquals(PUBLIC.contains(service), proxies != null, service + ": behind the Ingress, the controller's "
                        + "X-Forwarded-For names the caller (IMGBOARD_AUTH_TRUSTED_PROXIES), on the public services only");
                if (proxies != null) {
                    assertFalse(String.valueOf(proxies).matches("(.*,)?\\s*[^,]*/0\\s*(,.*)?"),
                            service + ": trusting every address lets any caller name itself: " + proxies);
                }
                boolean hasServiceToken = list(container.get("env")).stream()
                        .anyMatch(e -> "IMGBOARD_SERVICE_TOKEN".equals(map(e).get("name")));
                assertEquals(Project.readsServiceToken(service), hasServiceToken,
                        service + ": IMGBOARD_SERVICE_TOKEN (every service whose code reads it, and only those)");
            }
            Map<String, Object> budget = byKindName.get("PodDisruptionBudget/" + service);
            assertTrue(budget != null, "no PodDisruptionBudget for " + service);
            assertEquals(Map.of("app.kubernetes.io/name", service),
                    map(map(budget.get("spec")).get("selector")).get("matchLabels"));
            assertTrue(byKindName.containsKey("Service/" + service), "no Service " + service);
        }
        assertIngestHasItsPhotosFolder(byKindName);
        assertPreprocessorMemoryHoldsTwoLargeImages(byKindName.get("Deployment/preprocessor"));
        assertOnlyDisplayAndIngestAreReachableFromOutside(objects);
        assertTopicsMatchTheCatalogue(objects, byKindName.get("ScaledObject/preprocessor"));
        assertKedaReachesThisKafka(objects, byKindName.get("ScaledObject/preprocessor"), namespace);
        assertASingleBrokerFlushesEachRecord(objects);
    }

    /**
     * A lone broker has no replica to hold a record it acknowledged: it must flush each one first
     * (log.flush.interval.messages=1, as docker-compose.yml's broker and ./imgboard up's), or an answered
     * upload is lost in a power cut.
     */
    private static void assertASingleBrokerFlushesEachRecord(List<Map<String, Object>> objects) {
        int brokers = 0;
        Map<String, Object> config = null;
        for (Map<String, Object> o : objects) {
            if ("KafkaNodePool".equals(o.get("kind")) && list(map(o.get("spec")).get("roles")).contains("broker")) {
                brokers += (Integer) map(o.get("spec")).get("replicas");
            }
            if ("Kafka".equals(o.get("kind"))) {
                config = map(map(map(o.get("spec")).get("kafka")).get("config"));
            }
        }
        assertTrue(brokers > 0 && config != null, "no Kafka brokers");
        if (brokers == 1) {
            assertEquals("1", String.valueOf(config.get("log.flush.interval.messages")),
                    "a single broker must flush each record before acknowledging it");
        }
    }

    /**
     * KEDA's operator resolves the trigger's bootstrap address from its own namespace, so
     * the address names the overlay's namespace; and it is told the broker's version (its default, 1.0.0,
     * predates the 2.1 baseline of protocol versions Kafka 4 keeps).
     */
    private static void assertKedaReachesThisKafka(List<Map<String, Object>> objects, Map<String, Object> scaler,
                                                   String namespace) {
        Map<String, Object> kafka = objects.stream().filter(o -> "Kafka".equals(o.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("no Kafka"));
        Map<String, Object> kafkaSpec = map(map(kafka.get("spec")).get("kafka"));
        Object port = list(kafkaSpec.get("listeners")).stream().map(Kustomize::map)
                .filter(l -> Boolean.FALSE.equals(l.get("tls"))).findFirst()
                .orElseThrow(() -> new AssertionError("no plain listener")).get("port");
        Map<String, Object> metadata = map(map(list(map(scaler.get("spec")).get("triggers")).get(0)).get("metadata"));
        assertEquals(name(kafka) + "-kafka-bootstrap." + namespace + ".svc:" + port, metadata.get("bootstrapServers"),
                "KEDA's trigger must name Kafka's bootstrap service with this overlay's namespace");
        assertEquals(String.valueOf(kafkaSpec.get("version")), metadata.get("version"),
                "KEDA's trigger must be told the broker's Kafka version");
    }

    /** The folder source and the export share a mounted volume, and ingest is told both. */
    private static void assertIngestHasItsPhotosFolder(Map<String, Map<String, Object>> byKindName) {
        Map<String, Object> pod = map(map(map(byKindName.get("Deployment/ingest").get("spec")).get("template")).get("spec"));
        Map<String, Object> container = map(list(pod.get("containers")).get(0));
        Map<String, String> env = new HashMap<>();
        for (Object e : list(container.get("env"))) {
            env.put(String.valueOf(map(e).get("name")), String.valueOf(map(e).get("value")));
        }
        String mountPath = null;
        String volume = null;
        for (Object m : list(container.get("volumeMounts"))) {
            if ("/photos".equals(map(m).get("mountPath"))) {
                mountPath = "/photos";
                volume = String.valueOf(map(m).get("name"));
            }
        }
        assertEquals("/photos", mountPath, "ingest mounts the photos folder");
        assertTrue(String.valueOf(env.get("IMGBOARD_SOURCES")).contains("=/photos"), "the mounted folder is a source");
        assertEquals("/photos", env.get("IMGBOARD_EXPORT_ALLOWED_ROOTS"), "an export may write into the mounted folder");
        assertEquals("/photos", env.get("IMGBOARD_SOURCE_ROOTS"), "a source added in the admin may use the mounted folder");
        String claim = null;
        for (Object v : list(pod.get("volumes"))) {
            if (volume.equals(map(v).get("name"))) {
                claim = String.valueOf(map(map(v).get("persistentVolumeClaim")).get("claimName"));
            }
        }
        assertTrue(byKindName.containsKey("PersistentVolumeClaim/" + claim), "the photos volume's claim exists: " + claim);
    }

    /** Two 100 MP images decoded as RGBA are ≈ 800 MB outside a 384 MB heap. */
    private static void assertPreprocessorMemoryHoldsTwoLargeImages(Map<String, Object> deployment) {
        Map<String, Object> container = map(list(map(map(map(deployment.get("spec")).get("template")).get("spec"))
                .get("containers")).get(0));
        String limit = String.valueOf(map(map(container.get("resources")).get("limits")).get("memory"));
        long mebibytes = limit.endsWith("Gi") ? Long.parseLong(limit.replace("Gi", "")) * 1024 : Long.parseLong(limit.replace("Mi", ""));
        assertTrue(mebibytes >= 1536, "the preprocessor's memory limit " + limit + " cannot hold two 100 MP images");
    }

    /** The Ingress lets through the bodies ingest takes (WebDAV videos), and the README says that size. */
    @Test
    void theIngressBodyLimitIsIngestsAndTheReadmeSaysIt() throws IOException {
        String properties = Files.readString(Project.ROOT.resolve("ingest-service/src/main/resources/application.properties"));
        Matcher limit = Pattern.compile("(?m)^quarkus\\.http\\.limits\\.max-body-size=(\\d+)G$")
                .matcher(properties);
        assertTrue(limit.find(), "ingest's max-body-size is no longer in G; update this test");
        Map<String, Object> ingress = Kustomize.readAll(KUBERNETES.resolve("base/ingress.yaml")).get(0);
        assertEquals(limit.group(1) + "g", map(map(ingress.get("metadata")).get("annotations"))
                .get("nginx.ingress.kubernetes.io/proxy-body-size"), "the Ingress's body limit differs from ingest's");
        assertTrue(Files.readString(KUBERNETES.resolve("README.md")).contains(limit.group(1) + " GB bodies"),
                "deploy/kubernetes/README.md must say the Ingress takes " + limit.group(1) + " GB bodies");
    }

    private static void assertOnlyDisplayAndIngestAreReachableFromOutside(List<Map<String, Object>> objects) {
        boolean defaultDeny = false;
        Set<String> reachableFromOutside = new HashSet<>();
        Set<String> guarded = new HashSet<>();
        for (Map<String, Object> o : objects) {
            if ("Ingress".equals(o.get("kind"))) {
                for (Object rule : list(map(o.get("spec")).get("rules"))) {
                    for (Object path : list(map(map(rule).get("http")).get("paths"))) {
                        String backend = (String) map(map(map(path).get("backend")).get("service")).get("name");
                        assertTrue(PUBLIC.contains(backend), "the Ingress exposes " + backend);
                    }
                }
                Map<String, Object> annotations = map(map(o.get("metadata")).get("annotations"));
                assertTrue(Integer.parseInt((String) annotations.get("nginx.ingress.kubernetes.io/proxy-read-timeout")) >= 60,
                        "SSE streams need a read timeout well above the 20 s heartbeat");
                assertEquals("off", annotations.get("nginx.ingress.kubernetes.io/proxy-buffering"), "SSE must not be buffered");
            }
            if (!"NetworkPolicy".equals(o.get("kind"))) {
                continue;
            }
            Map<String, Object> spec = map(o.get("spec"));
            Map<String, Object> selector = map(map(spec.get("podSelector")).get("matchLabels"));
            if (spec.get("ingress") == null && selector.equals(Map.of("app.kubernetes.io/part-of", "imgboard"))) {
                defaultDeny = true;
                continue;
            }
            String target = String.valueOf(selector.get("app.kubernetes.io/name"));
            guarded.add(target);
            for (Object rule : list(spec.get("ingress"))) {
                List<?> from = list(map(rule).get("from"));
                assertFalse(from.isEmpty(), name(o) + " lets everyone in");
                for (Object peer : from) {
                    if (map(peer).containsKey("namespaceSelector") || map(peer).containsKey("ipBlock")) {
                        reachableFromOutside.add(target);
                    }
                }
            }
        }
        assertTrue(defaultDeny, "no default-deny NetworkPolicy for img-board's pods");
        assertEquals(new HashSet<>(SERVICES), guarded, "every service needs its own NetworkPolicy");
        assertEquals(PUBLIC, reachableFromOutside, "only display and ingest may be reached from outside the namespace");
    }

    private static void assertTopicsMatchTheCatalogue(List<Map<String, Object>> objects, Map<String, Object> scaler) {
        Map<String, Map<String, Object>> topics = new LinkedHashMap<>();
        for (Map<String, Object> o : objects) {
            if ("KafkaTopic".equals(o.get("kind"))) {
                topics.put((String) map(o.get("spec")).get("topicName"), map(o.get("spec")));
            }
        }
        assertEquals(Topics.ALL.keySet(), topics.keySet(), "KafkaTopics differ from io.imgboard.events.Topics");
        Topics.ALL.forEach((topic, compacted) -> assertEquals(compacted,
                "compact".equals(map(topics.get(topic).get("config")).get("cleanup.policy")), topic + ": compaction"));
        assertTrue(scaler != null, "no KEDA ScaledObject for the preprocessor");
        Map<String, Object> spec = map(scaler.get("spec"));
        Map<String, Object> trigger = map(list(spec.get("triggers")).get(0));
        assertEquals("kafka", trigger.get("type"));
        assertEquals(Topics.PROCESS_REQUESTS, map(trigger.get("metadata")).get("topic"));
        assertEquals("imgboard-preprocessor", map(trigger.get("metadata")).get("consumerGroup"));
        int partitions = (Integer) topics.get(Topics.PROCESS_REQUESTS).get("partitions");
        assertTrue((Integer) spec.get("maxReplicaCount") <= partitions,
                "more preprocessors than process-requests partitions would sit idle");
        assertTrue(partitions >= 4, "process-requests needs partitions for several preprocessors");
    }

    /** Where kubectl is installed, its kustomize must render exactly what {@link Kustomize} renders. */
    @ParameterizedTest
    @MethodSource("overlays")
    void kubectlKustomizeAgreesWithTheJavaRenderer(Path overlay) throws Exception {
        if (Stream.of(System.getenv("PATH").split(":")).noneMatch(dir -> Files.isExecutable(Path.of(dir, "kubectl")))) {
            // kubectl cannot be installed from the allowed sources; the Java renderer is checked by the other tests.
            System.out.println("kubectl is not on PATH: " + overlay + " was not compared with kubectl kustomize");
            return;
        }
        Path out = Files.createTempFile("kustomize-", ".yaml");
        try {
            Process p = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "kubectl kustomize " + overlay + " failed");
            assertEquals(keyed(Kustomize.readAll(out)), keyed(Kustomize.render(overlay)));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Map<String, Map<String, Object>> keyed(List<Map<String, Object>> objects) {
        Map<String, Map<String, Object>> keyed = new HashMap<>();
        objects.forEach(o -> keyed.put(o.get("kind") + "/" + map(o.get("metadata")).get("namespace") + "/" + name(o), o));
        return keyed;
    }

    @Test
    void brokenManifestsAreRefused() throws IOException {
        Map<String, Object> deployment = Kustomize.readAll(KUBERNETES.resolve("base/ledger.yaml")).get(0);
        Map<String, Object> container = map(list(map(map(map(deployment.get("spec")).get("template")).get("spec"))
                .get("containers")).get(0));
        container.put("livenesProbe", container.remove("livenessProbe"));
        assertTrue(ManifestValidator.problems(deployment).toString().contains("livenesProbe"),
                "a misspelt field in a core kind passed: " + ManifestValidator.problems(deployment));

        Map<String, Object> topic = Kustomize.readAll(KUBERNETES.resolve("base/kafka-topics.yaml")).get(0);
        map(topic.get("spec")).put("partitons", map(topic.get("spec")).remove("partitions"));
        assertFalse(ManifestValidator.problems(topic).isEmpty(), "a misspelt KafkaTopic field passed");

        Map<String, Object> old = Kustomize.readAll(KUBERNETES.resolve("base/kafka-topics.yaml")).get(0);
        old.put("apiVersion", "kafka.strimzi.io/v1beta2");
        assertFalse(ManifestValidator.problems(old).isEmpty(), "the API Strimzi 1.0 removed passed");

        Map<String, Object> scaler = Kustomize.readAll(KUBERNETES.resolve("base/preprocessor-autoscaling.yaml")).get(0);
        map(map(list(map(scaler.get("spec")).get("triggers")).get(0)).get("metadata")).put("lagThreshold", 20);
        assertFalse(ManifestValidator.problems(scaler).isEmpty(), "KEDA trigger metadata must be strings");

        Map<String, Object> unknown = new LinkedHashMap<>(Map.of("apiVersion", "example.org/v1", "kind", "Gadget",
                "metadata", Map.of("name", "x"), "spec", Map.of()));
        assertFalse(ManifestValidator.problems(unknown).isEmpty(), "an unknown kind passed unchecked");
    }

    @Test
    void aKustomizationThisRendererCannotFollowFails(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - %s
                patches:
                  - target:
                      kind: Deployment
                      name: no-such-thing
                    patch: |-
                      - op: replace
                        path: /spec/replicas
                        value: 3
                """.formatted(KUBERNETES.resolve("base").toString()));
        assertThrows(IllegalArgumentException.class, () -> Kustomize.render(dir));
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                commonLabels:
                  team: photos
                """);
        assertThrows(IllegalArgumentException.class, () -> Kustomize.render(dir));
    }
}
