package io.imgboard.preprocessor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.imgboard.preprocessor.imaging.RenditionSize;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * sharp (npm, pinned) as the reference of {@link Bench}: installed into a folder of its own with
 * npm, never globally, and driven by {@code bench/sharp-renditions.mjs} in one node process per run.
 * Each run's timing starts after node and sharp have loaded and two images have warmed it up.
 */
final class Sharp {
    private static final String SCRIPT = "sharp-renditions.mjs";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private String versions = "";
    private List<String> lastErrors = List.of();

    private Sharp(Path dir) {
        this.dir = dir;
    }

    /** Wall-clock rate, CPU per image (the node process), per-image latencies in ms. */
    record Result(double imagesPerSecond, double cpuMsPerImage, List<Double> latencies) {
    }

    /**
     * sharp {@value Bench#SHARP_VERSION} installed in {@code dir} (installing it there with npm if
     * needed), or null after printing why not and the exact command to run.
     */
    static Sharp prepare(Path dir) throws IOException, InterruptedException {
        String install = "mkdir -p '" + dir + "' && cd '" + dir + "' && echo '{\"private\":true}' > package.json && "
                + "npm install --no-audit --no-fund --save-exact sharp@" + Bench.SHARP_VERSION;
        if (!Bench.onPath("node") || !Bench.onPath("npm")) {
            System.out.println("sharp: not measured: node and npm are not on PATH. Install them (apt-get install -y nodejs npm), then: "
                    + install);
            return null;
        }
        Path installed = dir.resolve("node_modules/sharp/package.json");
        if (!Files.exists(installed) || !JSON.readTree(installed.toFile()).path("version").asText().equals(Bench.SHARP_VERSION)) {
            System.out.println("sharp: installing sharp@" + Bench.SHARP_VERSION + " into " + dir + " (once) …");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("package.json"), "{\"private\":true}\n");
            List<String> command = List.of("npm", "install", "--no-audit", "--no-fund", "--save-exact",
                    "sharp@" + Bench.SHARP_VERSION);
            Process npm = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (npm.waitFor() != 0) {
                System.out.println("sharp: not measured: npm install failed (" + output.strip().lines().reduce((a, b) -> b).orElse("")
                        + "). To install it by hand: " + install);
                return null;
            }
        }
        try (InputStream script = Sharp.class.getResourceAsStream("/bench/" + SCRIPT)) {
            if (script == null) {
                throw new IllegalStateException("bench/" + SCRIPT + " is missing from the classpath");
            }
            Files.write(dir.resolve(SCRIPT), script.readAllBytes());
        }
        return new Sharp(dir);
    }

    /** sharp, libvips and libwebp versions, and libvips threads per image, once a run has reported them. */
    String describe() {
        return versions.isEmpty() ? "sharp@" + Bench.SHARP_VERSION + " in " + dir : versions;
    }

    /** Files sharp refused in the last run, with its reason. */
    List<String> lastErrors() {
        return lastErrors;
    }

    Result run(List<Path> files, List<RenditionSize> renditions, int effort, int lanes, Path out) throws Exception {
        JsonNode result = node(files, renditions, effort, lanes, Math.min(files.size(), lanes), out);
        versions = String.format(Locale.ROOT, "sharp %s (libvips %s, libwebp %s, %d libvips thread(s) per image)",
                result.path("sharp").asText(), result.path("vips").asText(), result.path("webp").asText(),
                result.path("concurrency").asInt());
        List<Double> latencies = new ArrayList<>();
        result.path("latencies").forEach(n -> latencies.add(n.asDouble()));
        List<String> errors = new ArrayList<>();
        result.path("errors").forEach(n -> errors.add(n.asText()));
        lastErrors = List.copyOf(errors);
        return new Result(latencies.size() / result.path("seconds").asDouble(),
                result.path("cpuSeconds").asDouble() * 1000 / Math.max(1, latencies.size()), latencies);
    }

    /** What sharp says about a HEIC file. */
    String tryHeic(Path file, Path out) throws Exception {
        JsonNode result = node(List.of(file), Convert.DEFAULT_RENDITIONS, 4, 1, 0, out);
        if (result.path("errors").isEmpty()) {
            return "read " + file.getFileName();
        }
        return "cannot read it (" + result.path("errors").get(0).asText() + ")";
    }

    private JsonNode node(List<Path> files, List<RenditionSize> renditions, int effort, int lanes, int warmUp, Path out)
            throws Exception {
        Files.createDirectories(out);
        List<String> command = new ArrayList<>(List.of("node", SCRIPT, out.toAbsolutePath().toString(),
                Integer.toString(effort), Integer.toString(lanes), Integer.toString(warmUp),
                renditions.stream().map(r -> r.name() + "=" + r.maxWidth() + "x" + r.maxHeight() + "@" + r.quality())
                        .collect(Collectors.joining(","))));
        files.forEach(file -> command.add(file.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("VIPS_CONCURRENCY", Integer.toString(Bench.THREADS_PER_IMAGE));
        Process node = builder.start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (node.waitFor() != 0) {
            throw new IllegalStateException("node " + SCRIPT + " failed: " + output.strip());
        }
        String last = output.strip().lines().reduce((a, b) -> b).orElse("");
        return JSON.readTree(last);
    }
}
