package io.imgboard.preprocessor.cli;

import io.imgboard.preprocessor.imaging.EncodedRendition;
import io.imgboard.preprocessor.imaging.FormatSniffer;
import io.imgboard.preprocessor.imaging.ImageFormat;
import io.imgboard.preprocessor.imaging.ImageProcessor;
import io.imgboard.preprocessor.imaging.ImagingOptions;
import io.imgboard.preprocessor.imaging.ProcessedImage;
import io.imgboard.preprocessor.imaging.RenditionSize;
import io.imgboard.preprocessor.imaging.vips.Vips;
import io.imgboard.preprocessor.imaging.vips.VipsUnavailableException;
import org.apache.commons.io.FileUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Benchmarks the imaging core against sharp and {@code vipsthumbnail} on the same images, the same
 * three renditions and the same encoder settings, all using the two cores, in interleaved rounds.
 *
 * <pre>
 * Bench [--effort N] [--rounds N] [--efforts 0,2,4] [--sharp-dir DIR | --no-sharp] [--libvips PATH|sharp] [DIR]
 * </pre>
 *
 * DIR defaults to /tmp/perfcorpus, else a generated corpus of 12 photo-like JPEG/PNG/HEIC files
 * (kept in the temp folder for the next run). The core runs 2 worker threads, one image each, with
 * the service's libvips threads per image ({@link ImagingOptions#DEFAULT_VIPS_CONCURRENCY}), and each
 * reference gets as many (VIPS_CONCURRENCY). vipsthumbnail runs as 2 batch processes,
 * one per half of the files, each invoked once per rendition size. sharp
 * (npm, pinned to {@value #SHARP_VERSION}, installed into its own folder) runs 2 lanes, one image per
 * lane, its three renditions made together. sharp cannot read HEIC (its libheif has no HEVC
 * decoder), so the three are compared on the other files, and HEIC is measured for the core and
 * vipsthumbnail on its own. {@code --efforts} instead measures the core alone at each WebP effort,
 * time and bytes, against the first effort listed. Speed is measured here, never asserted in tests.
 */
public final class Bench {
    static final String SHARP_VERSION = "0.35.5";
    private static final int WORKERS = 2;
    /** libvips threads inside one image: the service's, for the core and for each reference. */
    static final int THREADS_PER_IMAGE = ImagingOptions.DEFAULT_VIPS_CONCURRENCY;
    private static final Path PERF_CORPUS = Path.of("/tmp/perfcorpus");
    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    static final String USAGE = "usage: Bench [--effort 0-6] [--rounds N] [--efforts 0,2,4] [--sharp-dir DIR | --no-sharp] "
            + "[--libvips PATH|sharp] [DIR]";

    private Bench() {
    }

    /** The libvips inside sharp's npm folder, whichever version this sharp ships (its file name carries it). */
    static String sharpsLibvips(Path sharpDir) throws IOException {
        Path lib = sharpDir.resolve("node_modules/@img/sharp-libvips-linux-x64/lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalArgumentException("--libvips sharp: no " + lib + " (run the bench once with sharp to install it)");
        }
        List<String> found;
        try (Stream<Path> files = Files.list(lib)) {
            found = files.filter(f -> f.getFileName().toString().startsWith("libvips-cpp.so.")).map(Path::toString).toList();
        }
        if (found.size() != 1) {
            throw new IllegalArgumentException("--libvips sharp: " + (found.isEmpty() ? "no libvips-cpp.so.*" : "more than one libvips-cpp.so.* "
                    + found) + " in " + lib + ": name the one to use with --libvips PATH");
        }
        return found.get(0);
    }

    public static void main(String[] args) throws Exception {
        int effort = ImagingOptions.DEFAULT_WEBP_EFFORT;
        int rounds = 3;
        Path dir = null;
        Path sharpDir = defaultSharpDir();
        List<Integer> efforts = List.of();
        String libvips = null;
        int i = 0;
        try {
            for (; i < args.length; i++) {
                switch (args[i]) {
                    case "--effort" -> effort = Integer.parseInt(args[++i]);
                    case "--rounds" -> rounds = Math.max(1, Integer.parseInt(args[++i]));
                    case "--sharp-dir" -> sharpDir = Path.of(args[++i]);
                    case "--no-sharp" -> sharpDir = null;
                    case "--libvips" -> libvips = args[++i];
                    case "--efforts" -> efforts = Stream.of(args[++i].split(",")).map(String::strip).map(Integer::valueOf).toList();
                    case "-h", "--help" -> {
                        System.out.println(USAGE);
                        return;
                    }
                    default -> dir = Path.of(args[i]);
                }
            }
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            // i is at the value that was missing or not a number, the option just before it.
            System.err.println("Bench: '" + args[i - 1] + "' " + (e instanceof NumberFormatException
                    ? "needs a whole number, not '" + args[i] + "'" : "needs a value"));
            System.err.println(USAGE);
            System.exit(1);
        }
        try {
            if (libvips != null) {
                // Run the core on another libvips build, e.g. the one inside sharp's npm folder (HEIC then
                // goes through Debian's libvips beside it, as in the service).
                System.setProperty(Vips.LIBVIPS_PROPERTY, libvips.equals("sharp")
                        ? sharpsLibvips(sharpDir != null ? sharpDir : defaultSharpDir()) : libvips);
            }
            Vips.start(THREADS_PER_IMAGE);
        } catch (IllegalArgumentException | VipsUnavailableException e) {
            System.err.println("Bench: " + e.getMessage());
            System.exit(1);
        }
        if (Vips.warning() != null) {
            // The service goes on with Debian's; a measurement of the build named with --libvips must not,
            // and one of the build IMGBOARD_LIBVIPS named says first whose figures follow.
            if (libvips != null) {
                System.err.println("Bench: --libvips " + libvips + ": " + Vips.warning());
                System.exit(1);
            }
            System.out.println("Bench: warning: " + Vips.warning() + "; the core's figures below are Debian's libvips");
        }
        if (dir == null) {
            dir = Files.isDirectory(PERF_CORPUS) ? PERF_CORPUS : Corpus.generated();
        }
        List<Path> files = images(dir);
        if (files.isEmpty()) {
            System.err.println("Bench: no JPEG/PNG/HEIC/WebP/TIFF/GIF files in " + dir);
            System.exit(1);
        }
        List<RenditionSize> renditions = Convert.DEFAULT_RENDITIONS;
        System.out.printf(Locale.ROOT, "corpus: %s — %d images (%s), %.1f MP on average%n", dir, files.size(),
                describe(files), averageMegapixels(files));
        Path out = Files.createTempDirectory("imgboard-bench-out-");
        try {
            if (!efforts.isEmpty()) {
                System.out.printf(Locale.ROOT, "renditions: %s, %d cores; the core alone at WebP effort %s%n", renditions,
                        Runtime.getRuntime().availableProcessors(), efforts);
                sweepEfforts(files, renditions, efforts, rounds, out);
                return;
            }
            System.out.printf(Locale.ROOT, "renditions: %s, WebP effort %d, %d cores%n", renditions, effort,
                    Runtime.getRuntime().availableProcessors());
            compare(files, renditions, effort, rounds, sharpDir == null ? null : Sharp.prepare(sharpDir), out);
        } finally {
            FileUtils.deleteQuietly(out.toFile());
        }
    }

    /** $IMGBOARD_HOME/bench/sharp-VERSION when run by ./imgboard, else a folder in the temp directory. */
    static Path defaultSharpDir() {
        String home = System.getenv("IMGBOARD_HOME");
        Path base = home != null && !home.isBlank() ? Path.of(home, "bench")
                : Path.of(System.getProperty("java.io.tmpdir"), "imgboard-bench");
        return base.resolve("sharp-" + SHARP_VERSION);
    }

    /** One tool's figures over the rounds: images/s (wall clock) and CPU milliseconds per image. */
    static final class Tool {
        final String name;
        final List<Double> rates = new ArrayList<>();
        final List<Double> cpuMs = new ArrayList<>();

        Tool(String name) {
            this.name = name;
        }

        void add(double rate, double cpuMsPerImage) {
            rates.add(rate);
            cpuMs.add(cpuMsPerImage);
        }

        double rate() {
            return rates.isEmpty() ? Double.NaN : median(rates);
        }

        double cpu() {
            List<Double> known = cpuMs.stream().filter(v -> !v.isNaN()).toList();
            return known.isEmpty() ? Double.NaN : median(known);
        }

        double last() {
            return rates.get(rates.size() - 1);
        }

        String round() {
            return String.format(Locale.ROOT, "%s %5.2f (%.0f ms CPU)", name, last(), cpuMs.get(cpuMs.size() - 1));
        }

        /** Median of this tool's per-round rate divided by the other's, wall clock and CPU. */
        String against(Tool reference) {
            List<Double> wall = new ArrayList<>();
            List<Double> cpu = new ArrayList<>();
            for (int i = 0; i < Math.min(rates.size(), reference.rates.size()); i++) {
                wall.add(rates.get(i) / reference.rates.get(i));
                if (!cpuMs.get(i).isNaN() && !reference.cpuMs.get(i).isNaN()) {
                    cpu.add(reference.cpuMs.get(i) / cpuMs.get(i));
                }
            }
            double ratio = median(wall);
            return String.format(Locale.ROOT, "%.2f wall clock, %s per CPU-second (medians of per-round ratios; target >= 1.0: %s)",
                    ratio, cpu.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", median(cpu)), ratio >= 1.0 ? "met" : "NOT met");
        }
    }

    private static void compare(List<Path> files, List<RenditionSize> renditions, int effort, int rounds, Sharp sharp,
                                Path out) throws Exception {
        List<Path> heic = files.stream().filter(f -> format(f) == ImageFormat.HEIF).toList();
        List<Path> common = files.stream().filter(f -> format(f) != ImageFormat.HEIF).toList();
        boolean haveThumbnail = onPath("vipsthumbnail");
        Tool core = new Tool("core");
        Tool sharpTool = new Tool("sharp");
        Tool thumbnail = new Tool("vipsthumbnail");
        Tool heicCore = new Tool("core");
        Tool heicThumbnail = new Tool("vipsthumbnail");
        List<Long> latencies = new ArrayList<>();
        List<Double> sharpLatencies = new ArrayList<>();
        long[] thumbnailRss = {-1};
        // Rounds alternate the order of the tools, so a noisy neighbour on this shared machine slows
        // all alike; medians and medians of the per-round ratios are reported, by wall clock and by
        // CPU time per image (which the neighbours disturb much less).
        for (int round = 0; round < rounds; round++) {
            boolean first = round == 0;
            List<Step> steps = new ArrayList<>();
            steps.add(() -> {
                CoreResult result = runCore(common, renditions, effort, 1, out.resolve("core"), first);
                core.add(result.imagesPerSecond(), result.cpuMsPerImage());
                latencies.addAll(result.latencies());
            });
            if (sharp != null) {
                steps.add(() -> {
                    Sharp.Result result = sharp.run(common, renditions, effort, WORKERS, out.resolve("sharp"));
                    sharpTool.add(result.imagesPerSecond(), result.cpuMsPerImage());
                    sharpLatencies.addAll(result.latencies());
                });
            }
            if (haveThumbnail) {
                steps.add(() -> {
                    ThumbnailResult result = runVipsthumbnail(common, renditions, effort, 1, out.resolve("vipsthumbnail"),
                            first);
                    thumbnail.add(result.imagesPerSecond(), result.cpuMsPerImage());
                    thumbnailRss[0] = Math.max(thumbnailRss[0], result.peakRssKb());
                });
            }
            if (round % 2 == 1) {
                java.util.Collections.reverse(steps);
            }
            for (Step step : steps) {
                step.run();
            }
            List<String> parts = new ArrayList<>();
            parts.add(core.round());
            if (sharp != null) {
                parts.add(sharpTool.round());
            }
            if (haveThumbnail) {
                parts.add(thumbnail.round());
            }
            if (!heic.isEmpty()) {
                CoreResult result = runCore(heic, renditions, effort, 1, out.resolve("heic-core"), first);
                heicCore.add(result.imagesPerSecond(), result.cpuMsPerImage());
                String part = "HEIC: " + heicCore.round();
                if (haveThumbnail) {
                    ThumbnailResult thumbs = runVipsthumbnail(heic, renditions, effort, 1, out.resolve("heic-vipsthumbnail"), false);
                    heicThumbnail.add(thumbs.imagesPerSecond(), thumbs.cpuMsPerImage());
                    part += ", " + heicThumbnail.round();
                }
                parts.add(part);
            }
            System.out.printf(Locale.ROOT, "round %d (images/s, CPU per image): %s%n", round + 1, String.join(" | ", parts));
        }
        latencies.sort(Comparator.naturalOrder());
        System.out.println();
        System.out.printf(Locale.ROOT, "on the %d files all three read (JPEG/PNG), medians of %d interleaved rounds:%n",
                common.size(), rounds);
        System.out.printf(Locale.ROOT, "  core:          %5.2f images/s, %4.0f ms CPU per image  (%d workers, libvips %s, %d thread(s) per image; "
                        + "per image p50 %d ms, p95 %d ms; %s of WebP)%n",
                core.rate(), core.cpu(), WORKERS, Vips.version(), THREADS_PER_IMAGE,
                percentile(latencies, 50), percentile(latencies, 95), megabytes(webpBytes(out.resolve("core"))));
        if (sharp == null) {
            System.out.println("  sharp:         not measured (--no-sharp, or node/npm missing: see above)");
        } else {
            sharpLatencies.sort(Comparator.naturalOrder());
            System.out.printf(Locale.ROOT, "  sharp:         %5.2f images/s, %4.0f ms CPU per image  (%s; %d lanes; per image p50 %.0f ms; %s of WebP)%n",
                    sharpTool.rate(), sharpTool.cpu(), sharp.describe(), WORKERS,
                    sharpLatencies.isEmpty() ? Double.NaN : sharpLatencies.get(sharpLatencies.size() / 2),
                    megabytes(webpBytes(out.resolve("sharp"))));
        }
        if (haveThumbnail) {
            System.out.printf(Locale.ROOT, "  vipsthumbnail: %5.2f images/s, %4.0f ms CPU per image  (%d batch processes, one pass per rendition)%n",
                    thumbnail.rate(), thumbnail.cpu(), WORKERS);
        } else {
            System.out.println("  vipsthumbnail: not installed (apt-get install -y libvips-tools); no comparison");
        }
        if (sharp != null) {
            System.out.println("  core/sharp:         " + core.against(sharpTool));
            if (!sharp.lastErrors().isEmpty()) {
                System.out.println("  sharp refused: " + String.join("; ", sharp.lastErrors()));
            }
        }
        if (haveThumbnail) {
            System.out.println("  core/vipsthumbnail: " + core.against(thumbnail));
        }
        if (!heic.isEmpty()) {
            System.out.printf(Locale.ROOT, "HEIC, %d files: core %5.2f images/s, %4.0f ms CPU per image%s; sharp %s%n", heic.size(),
                    heicCore.rate(), heicCore.cpu(),
                    haveThumbnail ? String.format(Locale.ROOT, "; vipsthumbnail %5.2f images/s; core/vipsthumbnail %s",
                            heicThumbnail.rate(), heicCore.against(heicThumbnail)) : "",
                    sharp == null ? "not measured" : sharp.tryHeic(heic.get(0), out.resolve("sharp-heic")));
        }
        System.out.println("metadata in outputs (EXIF/XMP/ICCP chunks): core " + metadataReport(out.resolve("core"))
                + (heic.isEmpty() ? "" : ", core HEIC " + metadataReport(out.resolve("heic-core")))
                + (sharp == null ? "" : ", sharp " + metadataReport(out.resolve("sharp")))
                + (haveThumbnail ? ", vipsthumbnail " + metadataReport(out.resolve("vipsthumbnail"))
                        + " (libvips 8.14.1 ignores strip for WebP)" : ""));
        System.out.printf(Locale.ROOT, "peak RSS: this JVM %d MB (VmHWM; target <= 1024 with the 48 MP and 36 MP images in flight)%s%n",
                vmHwmKb() / 1024, thumbnailRss[0] < 0 ? "" : String.format(Locale.ROOT, ", vipsthumbnail %d MB per process (max)",
                        thumbnailRss[0] / 1024));
        Bomb bomb = refuseBomb(renditions);
        System.out.printf(Locale.ROOT, "decompression bomb (PNG header claiming 100000x100000): refused in %.2f ms median, "
                + "%.2f ms max of %d (target < 50 ms): %s%n", bomb.medianMs(), bomb.maxMs(), bomb.tries(), bomb.reason());
    }

    /** The core alone at each effort, interleaved rounds: images/s and bytes, against the first effort listed. */
    private static void sweepEfforts(List<Path> files, List<RenditionSize> renditions, List<Integer> efforts, int rounds,
                                     Path out) throws Exception {
        Map<Integer, Tool> rates = new java.util.LinkedHashMap<>();
        Map<Integer, Long> bytes = new java.util.LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < efforts.size(); i++) {
                int effort = efforts.get(round % 2 == 0 ? i : efforts.size() - 1 - i);
                Path dir = out.resolve("effort-" + effort);
                CoreResult result = runCore(files, renditions, effort, 1, dir, round == 0 && i == 0);
                Tool tool = rates.computeIfAbsent(effort, e -> new Tool("effort " + e));
                tool.add(result.imagesPerSecond(), result.cpuMsPerImage());
                bytes.put(effort, webpBytes(dir));
                parts.add(tool.round());
            }
            System.out.printf(Locale.ROOT, "round %d (images/s): %s%n", round + 1, String.join(" | ", parts));
        }
        int reference = efforts.get(0);
        System.out.printf(Locale.ROOT, "%-7s %9s %14s %10s %12s %8s%n", "effort", "images/s", "CPU ms/image", "x CPU",
                "WebP bytes", "x bytes");
        for (int effort : efforts) {
            Tool tool = rates.get(effort);
            System.out.printf(Locale.ROOT, "%-7d %9.2f %14.0f %10.2f %12s %8.3f%n", effort, tool.rate(), tool.cpu(),
                    tool.cpu() / rates.get(reference).cpu(), megabytes(bytes.get(effort)),
                    (double) bytes.get(effort) / bytes.get(reference));
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    static long webpBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path file : files.filter(f -> f.toString().endsWith(".webp")).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    /** "none in N files", or how many files carry which chunks. */
    static String metadataReport(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return "not run";
        }
        int checked = 0;
        Map<String, Integer> carrying = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".webp")).toList()) {
                checked++;
                for (String chunk : new java.util.TreeSet<>(io.imgboard.preprocessor.imaging.WebpMetadata.metadataChunks(Files.readAllBytes(file)))) {
                    carrying.merge(chunk, 1, Integer::sum);
                }
            }
        }
        if (carrying.isEmpty()) {
            return "none in " + checked + " files";
        }
        return carrying.entrySet().stream().map(e -> e.getKey() + " in " + e.getValue())
                .collect(Collectors.joining(", ")) + " of " + checked + " files";
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    // ---------------------------------------------------------------- the decompression bomb

    record Bomb(double medianMs, double maxMs, int tries, String reason) {
    }

    /** A real PNG whose header claims 100000×100000 RGB (30 GB decoded); it must be refused from the header. */
    static Bomb refuseBomb(List<RenditionSize> renditions) throws IOException {
        byte[] png = pngClaiming(100_000, 100_000);
        ImageProcessor processor = new ImageProcessor(ImagingOptions.defaults());
        List<Double> times = new ArrayList<>();
        String reason = "NOT REFUSED";
        int tries = 25;
        for (int i = 0; i < tries; i++) {
            long start = System.nanoTime();
            try {
                processor.process(png, renditions);
            } catch (io.imgboard.preprocessor.imaging.ImageRefusedException refused) {
                reason = refused.getMessage();
            }
            times.add((System.nanoTime() - start) / 1e6);
        }
        return new Bomb(median(times), times.stream().mapToDouble(Double::doubleValue).max().orElse(0), tries, reason);
    }

    static byte[] pngClaiming(int width, int height) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        java.util.zip.Deflater deflater = new java.util.zip.Deflater();
        deflater.setInput(new byte[64 * 1024]); // a few rows of black: plenty for a loader to start on
        deflater.finish();
        byte[] buffer = new byte[128 * 1024];
        int length = deflater.deflate(buffer);
        chunk(out, "IDAT", java.util.Arrays.copyOf(buffer, length));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        crc.update(typeBytes);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(typeBytes);
        out.write(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    // ---------------------------------------------------------------- the core

    /** Wall-clock rate and CPU per image (this process; libvips' worker threads included). */
    record CoreResult(double imagesPerSecond, double cpuMsPerImage, List<Long> latencies) {
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    static CoreResult runCore(List<Path> files, List<RenditionSize> renditions, int effort, int rounds, Path out,
                              boolean warmUp) throws Exception {
        // As the service runs it: WORKERS photos at once, and a render pool of one thread per core
        // encoding the smaller renditions beside each photo's worker.
        ExecutorService renderPool = Executors.newFixedThreadPool(WORKERS);
        ImageProcessor processor = new ImageProcessor(ImagingOptions.defaults().withWebpEffort(effort), renderPool);
        Files.createDirectories(out);
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            if (warmUp) {
                runBatch(pool, processor, files.subList(0, Math.min(files.size(), 2 * WORKERS)), renditions, out);
            }
            List<Long> latencies = new ArrayList<>();
            long start = System.nanoTime();
            long cpuStart = OS.getProcessCpuTime();
            for (int round = 0; round < rounds; round++) {
                latencies.addAll(runBatch(pool, processor, files, renditions, out));
            }
            double cpuMs = (OS.getProcessCpuTime() - cpuStart) / 1e6;
            double seconds = (System.nanoTime() - start) / 1e9;
            int images = files.size() * rounds;
            return new CoreResult(images / seconds, cpuMs / images, latencies);
        } finally {
            pool.shutdownNow();
            renderPool.shutdownNow();
        }
    }

    private static List<Long> runBatch(ExecutorService pool, ImageProcessor processor, List<Path> files,
                                       List<RenditionSize> renditions, Path out) throws Exception {
        List<Future<Long>> futures = new ArrayList<>();
        for (Path file : files) {
            futures.add(pool.submit(() -> {
                long start = System.nanoTime();
                ProcessedImage image = processor.process(file, renditions);
                for (EncodedRendition rendition : image.renditions()) {
                    Files.write(out.resolve(Convert.baseName(file) + "-" + rendition.name() + ".webp"), rendition.webp());
                }
                return (System.nanoTime() - start) / 1_000_000;
            }));
        }
        List<Long> latencies = new ArrayList<>();
        for (Future<Long> future : futures) {
            latencies.add(future.get());
        }
        return latencies;
    }

    static long percentile(List<Long> sorted, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    // ---------------------------------------------------------------- vipsthumbnail

    /** Wall-clock rate, CPU per image (user + system of every vipsthumbnail process; NaN without /usr/bin/time), peak RSS. */
    record ThumbnailResult(double imagesPerSecond, double cpuMsPerImage, long peakRssKb) {
    }

    private static final Pattern CPU_TIME = Pattern.compile("(?:User|System) time \\(seconds\\): ([0-9.]+)");

    static ThumbnailResult runVipsthumbnail(List<Path> files, List<RenditionSize> renditions, int effort, int rounds,
                                            Path out, boolean warmUp) throws Exception {
        if (!onPath("vipsthumbnail")) {
            return null;
        }
        Files.createDirectories(out);
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        AtomicLong peakRss = new AtomicLong(timed ? 0 : -1);
        java.util.concurrent.atomic.DoubleAdder cpuSeconds = new java.util.concurrent.atomic.DoubleAdder();
        List<List<Path>> halves = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            halves.add(new ArrayList<>());
        }
        for (int i = 0; i < files.size(); i++) {
            halves.get(i % WORKERS).add(files.get(i)); // alternate, so both halves get a similar mix
        }
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            if (warmUp) {
                thumbnailBatch(pool, halves.stream().map(h -> h.subList(0, Math.min(h.size(), 2))).toList(), renditions,
                        effort, out, timed, peakRss, new java.util.concurrent.atomic.DoubleAdder());
            }
            long start = System.nanoTime();
            for (int round = 0; round < rounds; round++) {
                thumbnailBatch(pool, halves, renditions, effort, out, timed, peakRss, cpuSeconds);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            int images = files.size() * rounds;
            return new ThumbnailResult(images / seconds, timed ? cpuSeconds.sum() * 1000 / images : Double.NaN,
                    peakRss.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void thumbnailBatch(ExecutorService pool, List<List<Path>> halves, List<RenditionSize> renditions,
                                       int effort, Path out, boolean timed, AtomicLong peakRss,
                                       java.util.concurrent.atomic.DoubleAdder cpuSeconds) throws Exception {
        List<Future<?>> futures = new ArrayList<>();
        for (List<Path> half : halves) {
            if (half.isEmpty()) {
                continue;
            }
            futures.add(pool.submit(() -> {
                for (RenditionSize rendition : renditions) {
                    List<String> command = new ArrayList<>();
                    if (timed) {
                        command.addAll(List.of("/usr/bin/time", "-v"));
                    }
                    command.addAll(List.of("vipsthumbnail",
                            "--size", rendition.maxWidth() + "x" + rendition.maxHeight() + ">",
                            "-o", out.toAbsolutePath() + "/%s-" + rendition.name() + ".webp[Q=" + rendition.quality()
                                    + ",effort=" + effort + ",strip]"));
                    half.forEach(file -> command.add(file.toAbsolutePath().toString()));
                    String output = run(command);
                    Matcher rss = MAX_RSS.matcher(output);
                    while (rss.find()) {
                        long kb = Long.parseLong(rss.group(1));
                        peakRss.accumulateAndGet(kb, Math::max);
                    }
                    Matcher cpu = CPU_TIME.matcher(output);
                    while (cpu.find()) {
                        cpuSeconds.add(Double.parseDouble(cpu.group(1)));
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("VIPS_CONCURRENCY", Integer.toString(THREADS_PER_IMAGE));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(command.size(), 6)))
                    + " … failed: " + output);
        }
        return output;
    }

    static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- corpus

    static List<Path> images(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile)
                    .filter(file -> format(file) != null)
                    .sorted()
                    .toList();
        }
    }

    private static ImageFormat format(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(FormatSniffer.HEAD_BYTES);
            return FormatSniffer.sniff(head, head.length).format().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String describe(List<Path> files) {
        Map<ImageFormat, Long> counts = new EnumMap<>(ImageFormat.class);
        for (Path file : files) {
            counts.merge(format(file), 1L, Long::sum);
        }
        return counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().id()).collect(Collectors.joining(", "));
    }

    private static double averageMegapixels(List<Path> files) {
        double total = 0;
        int counted = 0;
        for (Path file : files) {
            try {
                String[] size = run(List.of("vipsheader", "-f", "width", file.toString())).strip().split("\\s+");
                String[] height = run(List.of("vipsheader", "-f", "height", file.toString())).strip().split("\\s+");
                total += Double.parseDouble(size[size.length - 1]) * Double.parseDouble(height[height.length - 1]) / 1e6;
                counted++;
            } catch (Exception e) {
                // vipsheader missing or file odd: leave it out of the average
            }
        }
        return counted == 0 ? Double.NaN : total / counted;
    }

    private static long vmHwmKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    /** Photo-like test images made with the vips and heif-enc command-line tools. */
    static final class Corpus {
        private static final Path DIR = Path.of(System.getProperty("java.io.tmpdir"), "imgboard-bench-corpus-v1");

        private Corpus() {
        }

        static Path generated() throws Exception {
            Path done = DIR.resolve(".complete");
            if (Files.exists(done)) {
                return DIR;
            }
            System.out.println("generating a corpus of 12 photo-like images in " + DIR + " (once) …");
            Files.createDirectories(DIR);
            Path work = Files.createTempDirectory("imgboard-bench-work-");
            try {
                for (int i = 1; i <= 5; i++) {
                    Path jpeg = photo(work, DIR.resolve(String.format("photo-%02d.jpg", i)) + "[Q=90]", 4032, 3024, i);
                    if (i % 2 == 0 && onPath("exiftool")) {
                        run(List.of("exiftool", "-q", "-overwrite_original", "-Orientation#=6", jpeg.toString()));
                    }
                }
                for (int i = 6; i <= 7; i++) {
                    photo(work, DIR.resolve(String.format("photo-%02d.jpg", i)) + "[Q=90]", 3024, 4032, i);
                }
                Path p3source = photo(work, work.resolve("p3-source.v").toString(), 4032, 3024, 8);
                run(List.of("vips", "icc_transform", p3source.toString(), DIR.resolve("photo-08-p3.jpg") + "[Q=90]",
                        "p3", "--input-profile", "srgb"));
                for (int i = 9; i <= 10; i++) {
                    photo(work, DIR.resolve(String.format("photo-%02d.png", i)).toString(), 2048, 1536, i);
                }
                for (int i = 11; i <= 12; i++) {
                    Path png = photo(work, work.resolve("heic-source-" + i + ".png").toString(), 4032, 3024, i);
                    run(List.of("heif-enc", "-q", "80", "-o", DIR.resolve(String.format("photo-%02d.heic", i)).toString(),
                            png.toString()));
                }
                Files.createFile(done);
                return DIR;
            } finally {
                FileUtils.deleteQuietly(work.toFile());
            }
        }

        private static Path photo(Path work, String target, int width, int height, int seed) throws Exception {
            String p = work.resolve("p.v").toString();
            String q = work.resolve("q.v").toString();
            String n = work.resolve("n.v").toString();
            String pn = work.resolve("pn.v").toString();
            String rgb = work.resolve("rgb.v").toString();
            String rgb8 = work.resolve("rgb8.v").toString();
            run(List.of("vips", "perlin", p, "" + width, "" + height, "--cell-size", "" + width / 12, "--uchar",
                    "--seed", "" + seed));
            run(List.of("vips", "perlin", q, "" + width, "" + height, "--cell-size", "" + width / 5, "--uchar",
                    "--seed", "" + (seed + 1000)));
            run(List.of("vips", "gaussnoise", n, "" + width, "" + height, "--sigma", "6", "--mean", "0", "--seed",
                    "" + seed));
            run(List.of("vips", "add", p, n, pn));
            run(List.of("vips", "bandjoin", pn + " " + q + " " + p, rgb));
            run(List.of("vips", "cast", rgb, rgb8, "uchar"));
            run(List.of("vips", "copy", rgb8, target, "--interpretation", "srgb"));
            return Path.of(target.replaceAll("\\[.*", ""));
        }
    }
}
