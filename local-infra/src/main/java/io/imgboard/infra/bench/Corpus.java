package io.imgboard.infra.bench;

import io.imgboard.infra.InfraException;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;

/**
 * The bench's photos: the benchmark corpus's 12 MP JPEGs as they are (the burst), and distinct 12 MP
 * shots made from the corpus once with {@code vips} and kept in the temporary folder (the warm and
 * cold uploads, the later bursts): each original turned by 180°, then 4032×3024 crops of the larger
 * photos, then each original mirrored, then each turned by 90° (3024×4032). A changed
 * pixel or a re-encode would not do: the ledger folds near-duplicates (perceptual hash within 3 bits)
 * into one photo, which never reaches the frames as an {@code add}.
 */
record Corpus(Path dir, List<Path> originals, List<Path> variants) {
    static final Path PERF_CORPUS = Path.of("/tmp/perfcorpus");
    /** Where {@code ./imgboard bench imaging} generates its corpus when there is no {@link #PERF_CORPUS}. */
    static final Path GENERATED = Path.of(System.getProperty("java.io.tmpdir"), "imgboard-bench-corpus-v1");
    private static final long TWELVE_MP = 4032L * 3024;

    /**
     * @param shotsWanted how many distinct shots are wanted, given how many 12 MP originals the corpus has
     */
    static Corpus prepare(Path dir, IntUnaryOperator shotsWanted, PrintStream out) throws IOException, InterruptedException {
        if (dir == null) {
            dir = Files.isDirectory(PERF_CORPUS) ? PERF_CORPUS : GENERATED;
        }
        if (!Files.isDirectory(dir)) {
            throw new InfraException("no corpus folder " + dir + ": make one with `bash ../shared/corpus/make-corpus.sh "
                    + PERF_CORPUS + "`, or run `./imgboard bench imaging` once (it generates " + GENERATED
                    + "; then use --warm 5), or give --corpus DIR, a folder of 12 MP JPEGs (4032×3024)");
        }
        List<Path> originals = new ArrayList<>();
        List<Path> larger = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
                if (!(name.endsWith(".jpg") || name.endsWith(".jpeg"))) {
                    continue;
                }
                long[] size = size(file);
                if (size[0] * size[1] == TWELVE_MP) {
                    originals.add(file);
                } else if (size[0] >= 4032 && size[1] >= 3024) {
                    larger.add(file);
                }
            }
        }
        if (originals.isEmpty()) {
            throw new InfraException("no 12 MP JPEG in " + dir);
        }
        int variantsNeeded = shotsWanted.applyAsInt(originals.size());
        Path cache = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "imgboard-pipeline-variants"));
        List<Path> variants = new ArrayList<>();
        int made = 0;
        made += eachTurned(originals, "turned-", "rot", "d180", cache, variants, variantsNeeded);
        for (Path photo : larger) {
            long[] size = size(photo);
            long[][] corners = {{0, 0}, {size[0] - 4032, size[1] - 3024}, {size[0] - 4032, 0}, {0, size[1] - 3024}};
            for (int i = 0; i < corners.length && variants.size() < variantsNeeded; i++) {
                Path target = cache.resolve("crop" + i + "-" + photo.getFileName());
                made += vips(target, "crop", photo.toString(), target + "[Q=90]", "" + corners[i][0], "" + corners[i][1],
                        "4032", "3024");
                variants.add(target);
            }
        }
        made += eachTurned(originals, "mirrored-", "flip", "horizontal", cache, variants, variantsNeeded);
        made += eachTurned(originals, "upright-", "rot", "d90", cache, variants, variantsNeeded);
        if (variants.size() < variantsNeeded) {
            throw new InfraException("the corpus in " + dir + " gives " + variants.size() + " distinct shots for the first, warm"
                    + " and during-reprocess uploads and the later bursts, " + variantsNeeded
                    + " wanted: use fewer --warm, --during-reprocess or --bursts");
        }
        if (made > 0) {
            out.printf("made %d distinct shots in %s (once)%n", made, cache);
        }
        return new Corpus(dir, originals, variants);
    }

    /**
     * Adds to {@code variants}, until it holds {@code needed}, each original turned by the vips
     * operation {@code op} (rot d180, flip horizontal, rot d90): a new shot for the ledger, neither the same
     * bytes nor the same perceptual hash. The files are kept in {@code cache}; how many were made now.
     */
    private static int eachTurned(List<Path> originals, String prefix, String op, String how, Path cache,
                                  List<Path> variants, int needed) throws IOException, InterruptedException {
        int made = 0;
        for (Path original : originals) {
            if (variants.size() >= needed) {
                break;
            }
            Path target = cache.resolve(prefix + original.getFileName());
            made += vips(target, op, original.toString(), target + "[Q=90]", how);
            variants.add(target);
        }
        return made;
    }

    /** A folder of links to these files, for the imaging core's own bench. */
    Path burstFolder(List<Path> files) throws IOException {
        Path folder = Files.createTempDirectory("imgboard-pipeline-core-");
        for (Path file : files) {
            Files.createSymbolicLink(folder.resolve(file.getFileName()), file.toAbsolutePath());
        }
        return folder;
    }

    private static int vips(Path target, String... args) throws IOException, InterruptedException {
        if (Files.isRegularFile(target) && Files.size(target) > 0) {
            return 0;
        }
        List<String> command = new ArrayList<>(List.of("vips"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new InfraException("cannot run vips (apt-get install -y libvips-tools): " + e.getMessage(), e);
        }
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0) {
            Files.deleteIfExists(target);
            throw new InfraException(String.join(" ", command) + " failed: " + output);
        }
        return 1;
    }

    /** Width and height from the JPEG's header, without decoding it. */
    private static long[] size(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return new long[]{0, 0};
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new long[]{reader.getWidth(0), reader.getHeight(0)};
            } catch (IOException unreadable) {
                return new long[]{0, 0};
            } finally {
                reader.dispose();
            }
        }
    }
}
