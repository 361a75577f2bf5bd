package io.imgboard.preprocessor.cli;

import io.imgboard.preprocessor.imaging.EncodedRendition;
import io.imgboard.preprocessor.imaging.ImageProcessor;
import io.imgboard.preprocessor.imaging.ImageRefusedException;
import io.imgboard.preprocessor.imaging.ImagingOptions;
import io.imgboard.preprocessor.imaging.ImagingUnavailableException;
import io.imgboard.preprocessor.imaging.ProcessedImage;
import io.imgboard.preprocessor.imaging.RenditionSize;
import io.imgboard.preprocessor.imaging.vips.Vips;
import io.imgboard.preprocessor.imaging.vips.VipsUnavailableException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Converts photos with the same imaging core the service runs, without Quarkus, Kafka or S3.
 *
 * <pre>
 * Convert [--rendition name=WxH@Q ...] [--effort N] FILES... -o DIR
 * </pre>
 *
 * Writes {@code DIR/<file name without extension>/<rendition>.webp} and prints one line per file.
 * Exit status: 0 all converted, 2 some refused, 1 usage or environment errors.
 */
public final class Convert {
    static final String USAGE = """
            usage: Convert [--rendition NAME=WIDTHxHEIGHT@QUALITY ...] [--effort 0-6] FILES... -o DIR

              Converts photos to WebP renditions with img-board's imaging core: EXIF orientation applied,
              sRGB, fit inside each box without enlarging, no metadata in the output.
              Writes DIR/<file name without extension>/<rendition>.webp.

              --rendition   one output size; repeat for several (default: display=1920x1080@82,
                            uhd=3840x2160@82, thumb=480x480@75)
              --effort      WebP encoder effort 0 (fast) to 6 (small files), default 2
              -o DIR        where to write

            exit status: 0 all converted, 2 one or more refused, 1 usage error""";

    static final List<RenditionSize> DEFAULT_RENDITIONS = List.of(
            RenditionSize.parse("display=1920x1080@82"),
            RenditionSize.parse("uhd=3840x2160@82"),
            RenditionSize.parse("thumb=480x480@75"));

    private Convert() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    record Arguments(List<RenditionSize> renditions, int effort, List<Path> files, Path outputDir) {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("Convert: " + e.getMessage());
            err.println(USAGE);
            return 1;
        }
        if (arguments == null) {
            out.println(USAGE);
            return 0;
        }
        ImageProcessor processor;
        try {
            processor = new ImageProcessor(ImagingOptions.defaults().withWebpEffort(arguments.effort()));
            if (Vips.warning() != null) {
                err.println("Convert: warning: " + Vips.warning());
            }
            Files.createDirectories(arguments.outputDir());
        } catch (VipsUnavailableException e) {
            err.println("Convert: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("Convert: cannot create " + arguments.outputDir() + ": " + e.getMessage());
            return 1;
        }
        boolean anyRefused = false;
        java.util.Set<String> folders = new java.util.HashSet<>();
        for (Path file : arguments.files()) {
            long start = System.nanoTime();
            try {
                ProcessedImage image = processor.process(file, arguments.renditions());
                // IMG_0001.JPG beside IMG_0001.HEIC (or two folders' IMG_0001s): each its own folder
                String folder = baseName(file);
                for (int n = 2; !folders.add(folder); n++) {
                    folder = baseName(file) + "-" + n;
                }
                Path target = arguments.outputDir().resolve(folder);
                Files.createDirectories(target);
                for (EncodedRendition rendition : image.renditions()) {
                    Files.write(target.resolve(rendition.name() + ".webp"), rendition.webp());
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                out.println("ok " + file + " " + image.renditions().stream()
                        .map(r -> r.name() + "=" + r.width() + "x" + r.height())
                        .collect(Collectors.joining(" ")) + " (" + millis + " ms)"
                        + (folder.equals(baseName(file)) ? "" : " into " + folder + "/"));
            } catch (ImageRefusedException e) {
                anyRefused = true;
                out.println("refused " + file + ": " + e.reason());
            } catch (ImagingUnavailableException e) {
                anyRefused = true;
                out.println("failed " + file + " (not the file's fault, try again): " + e.getMessage());
            } catch (java.nio.file.NoSuchFileException e) {
                anyRefused = true;
                out.println("refused " + file + ": no such file");
            } catch (IOException e) {
                anyRefused = true;
                out.println("refused " + file + ": cannot read or write: " + e.getMessage());
            }
        }
        return anyRefused ? 2 : 0;
    }

    /** The arguments, or null when help was asked for. */
    static Arguments parse(String[] args) {
        List<RenditionSize> renditions = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        int effort = ImagingOptions.DEFAULT_WEBP_EFFORT;
        Path outputDir = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-h", "--help" -> {
                    return null;
                }
                case "--rendition" -> renditions.add(RenditionSize.parse(value(args, ++i, arg)));
                case "--effort" -> {
                    try {
                        effort = Integer.parseInt(value(args, ++i, arg));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--effort needs a number 0-6");
                    }
                    if (effort < 0 || effort > 6) {
                        throw new IllegalArgumentException("--effort must be 0-6, was " + effort);
                    }
                }
                case "-o", "--output" -> outputDir = Path.of(value(args, ++i, arg));
                default -> {
                    if (arg.startsWith("--rendition=")) {
                        renditions.add(RenditionSize.parse(arg.substring("--rendition=".length())));
                    } else if (arg.startsWith("-") && arg.length() > 1) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    } else {
                        files.add(Path.of(arg));
                    }
                }
            }
        }
        if (outputDir == null) {
            throw new IllegalArgumentException("no output folder: give -o DIR");
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to convert");
        }
        if (renditions.isEmpty()) {
            renditions.addAll(DEFAULT_RENDITIONS);
        }
        if (renditions.stream().map(RenditionSize::name).distinct().count() != renditions.size()) {
            throw new IllegalArgumentException("a rendition name is given twice");
        }
        return new Arguments(List.copyOf(renditions), effort, List.copyOf(files), outputDir);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    /** {@code IMG_0001.HEIC} → {@code IMG_0001}. */
    static String baseName(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
