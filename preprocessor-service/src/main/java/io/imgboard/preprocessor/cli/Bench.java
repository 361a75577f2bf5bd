package io.imgboard.preprocessor.cli;

import io.imgboard.preprocessor.imaging.EncodedRendition;
import io.imgboard.preprocessor.imaging.FormatSniffer;
import io.imgboard.preprocessor.imaging.ImageFormat;
import io.imgboard.preprocessor.imaging.ImageProcessor;
import io.imgboard.preprocessor.imaging.ImagingOptions;
import io.imgboard.preprocessor.imaging.ProcessedImage;
import io.imgboard.preprocessor.imaging.RenditionSize;

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
 * Benchmarks the imaging core against {@code vipsthumbnail} on the same images, the same three
 * renditions and the same encoder settings, both using the two cores.
 *
 * <pre>
 * Bench [--effort N] [--rounds N] [DIR]
 * </pre>
 *
 * DIR defaults to /tmp/perfcorpus, else a generated corpus of 12 photo-like JPEG/PNG/HEIC files
 * (kept in the temp folder for the next run). The core runs 2 worker threads, one image each,
 * libvips single-threaded per image, as the service does. vipsthumbnail runs as 2 batch processes,
 * one per half of the files, each invoked once per rendition size (VIPS_CONCURRENCY=1). Both warm up
 * first. Speed is measured here, never asserted in tests.
 */
public final class Bench {
    private static final int WORKERS = 2;
    private static final Path PERF_CORPUS = Path.of("/tmp/perfcorpus");
    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        int effort = ImagingOptions.DEFAULT_WEBP_EFFORT;
        int rounds = 3;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--effort" -> effort = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Math.max(1, Integer.parseInt(args[++i]));
                case "-h", "--help" -> {
                    System.out.println("usage: Bench [--effort 0-6] [--rounds N] [DIR]");
                    return;
                }
                default -> dir = Path.of(args[i]);
            }
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
        System.out.printf(Locale.ROOT, "renditions: %s, WebP effort %d, %d cores%n", renditions, effort,
                Runtime.getRuntime().availableProcessors());

        Path out = Files.createTempDirectory("imgboard-bench-out-");
        try {
            // Rounds alternate between the two tools, so a noisy neighbour on this shared machine
            // slows both alike; the medians and the median of the per-round ratios are reported.
            List<Double> coreRates = new ArrayList<>();
            List<Double> thumbnailRates = new ArrayList<>();
            List<Double> ratios = new ArrayList<>();
            List<Long> latencies = new ArrayList<>();
            long thumbnailRss = -1;
            boolean haveThumbnail = onPath("vipsthumbnail");
            for (int round = 0; round < rounds; round++) {
                CoreResult core = runCore(files, renditions, effort, 1, out.resolve("core"), round == 0);
                coreRates.add(core.imagesPerSecond());
                latencies.addAll(core.latencies());
                String line = String.format(Locale.ROOT, "round %d: core %5.2f images/s", round + 1, core.imagesPerSecond());
                if (haveThumbnail) {
                    ThumbnailResult thumbnail = runVipsthumbnail(files, renditions, effort, 1, out.resolve("vipsthumbnail"),
                            round == 0);
                    thumbnailRates.add(thumbnail.imagesPerSecond());
                    ratios.add(core.imagesPerSecond() / thumbnail.imagesPerSecond());
                    thumbnailRss = Math.max(thumbnailRss, thumbnail.peakRssKb());
                    line += String.format(Locale.ROOT, ", vipsthumbnail %5.2f images/s, ratio %.2f",
                            thumbnail.imagesPerSecond(), ratios.get(ratios.size() - 1));
                }
                System.out.println(line);
            }
            latencies.sort(Comparator.naturalOrder());
            System.out.printf(Locale.ROOT, "core:          %5.2f images/s median of %d rounds  (%d workers; per image p50 %d ms, p95 %d ms)%n",
                    median(coreRates), rounds, WORKERS, percentile(latencies, 50), percentile(latencies, 95));
            if (!haveThumbnail) {
                System.out.println("vipsthumbnail: not installed (apt-get install -y libvips-tools); no comparison");
            } else {
                System.out.printf(Locale.ROOT, "vipsthumbnail: %5.2f images/s median of %d rounds  (%d batch processes, one pass per rendition)%n",
                        median(thumbnailRates), rounds, WORKERS);
                System.out.printf(Locale.ROOT, "ratio core/vipsthumbnail: %.2f (median of per-round ratios; target >= 1.0)%n",
                        median(ratios));
            }
            System.out.printf(Locale.ROOT, "peak RSS: this JVM %d MB (VmHWM; target <= 1024 with the 48 MP and 36 MP images in flight)%s%n",
                    vmHwmKb() / 1024, thumbnailRss < 0 ? ""
                            : String.format(Locale.ROOT, ", vipsthumbnail %d MB per process (max)", thumbnailRss / 1024));
            Bomb bomb = refuseBomb(renditions);
            System.out.printf(Locale.ROOT, "decompression bomb (PNG header claiming 100000x100000): refused in %.2f ms median, "
                    + "%.2f ms max of %d (target < 50 ms): %s%n", bomb.medianMs(), bomb.maxMs(), bomb.tries(), bomb.reason());
            System.out.println("note: vipsthumbnail from libvips 8.14.1 ignores strip for WebP (metadata, GPS included, stays in "
                    + "its output); the core writes none.");
        } finally {
            deleteTree(out);
        }
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

    record CoreResult(double imagesPerSecond, List<Long> latencies) {
    }

    static CoreResult runCore(List<Path> files, List<RenditionSize> renditions, int effort, int rounds, Path out,
                              boolean warmUp) throws Exception {
        ImageProcessor processor = new ImageProcessor(ImagingOptions.defaults().withWebpEffort(effort));
        Files.createDirectories(out);
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            if (warmUp) {
                runBatch(pool, processor, files.subList(0, Math.min(files.size(), 2 * WORKERS)), renditions, out);
            }
            List<Long> latencies = new ArrayList<>();
            long start = System.nanoTime();
            for (int round = 0; round < rounds; round++) {
                latencies.addAll(runBatch(pool, processor, files, renditions, out));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new CoreResult(files.size() * rounds / seconds, latencies);
        } finally {
            pool.shutdownNow();
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

    record ThumbnailResult(double imagesPerSecond, long peakRssKb) {
    }

    static ThumbnailResult runVipsthumbnail(List<Path> files, List<RenditionSize> renditions, int effort, int rounds,
                                            Path out, boolean warmUp) throws Exception {
        if (!onPath("vipsthumbnail")) {
            return null;
        }
        Files.createDirectories(out);
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        AtomicLong peakRss = new AtomicLong(timed ? 0 : -1);
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
                        effort, out, timed, peakRss);
            }
            long start = System.nanoTime();
            for (int round = 0; round < rounds; round++) {
                thumbnailBatch(pool, halves, renditions, effort, out, timed, peakRss);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new ThumbnailResult(files.size() * rounds / seconds, peakRss.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void thumbnailBatch(ExecutorService pool, List<List<Path>> halves, List<RenditionSize> renditions,
                                       int effort, Path out, boolean timed, AtomicLong peakRss) throws Exception {
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
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("VIPS_CONCURRENCY", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command.subList(0, Math.min(command.size(), 6)))
                    + " … failed: " + output);
        }
        return output;
    }

    private static boolean onPath(String program) {
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

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
                deleteTree(work);
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
