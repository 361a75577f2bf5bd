package io.imgboard.preprocessor.imaging;

import io.imgboard.preprocessor.imaging.vips.FailOn;
import io.imgboard.preprocessor.imaging.vips.LoadOptions;
import io.imgboard.preprocessor.imaging.vips.TooManyPixelsException;
import io.imgboard.preprocessor.imaging.vips.NativeBytes;
import io.imgboard.preprocessor.imaging.vips.Vips;
import io.imgboard.preprocessor.imaging.vips.VipsException;
import io.imgboard.preprocessor.imaging.vips.VipsImage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Turns one original into WebP renditions, from a single decode.
 *
 * <ol>
 *   <li>Recognise the format by its magic bytes and refuse anything else, or a file over
 *       {@code maxBytes}.</li>
 *   <li>Open it with the loader for that format (header only) and refuse more than
 *       {@code maxPixels} before a single pixel is decoded.</li>
 *   <li>Decode once, at the smallest size that still covers the largest rendition (JPEG can
 *       shrink while decoding), convert to sRGB from the embedded profile, render into memory —
 *       with {@code fail_on} a truncated or corrupt file fails here instead of coming out grey —
 *       and turn it upright (EXIF orientation).</li>
 *   <li>Resize that one image for every rendition, the hash and the placeholder, and encode each
 *       as WebP with no metadata at all (fields removed before encoding, chunks after: see
 *       {@link WebpMetadata}).</li>
 * </ol>
 *
 * <p>With an {@link Early} rendition that is not the largest, a JPEG is decoded twice: first at the
 * fraction of its size the early rendition (and every smaller one, the hash and the placeholder)
 * needs, so that one is out without waiting for the full decode; then at the size the rest need.
 *
 * <p>Plain Java and thread-safe: a service runs one image per worker thread, a command line tool
 * can use it directly. Native memory per image is about the decoded size, 3–4 bytes per pixel
 * (twice that briefly while a rotated image is copied).
 */
public final class ImageProcessor {
    private static final int PLACEHOLDER_QUALITY = 50;
    private static final Runnable NO_PAUSE = () -> { };

    private final ImagingOptions options;
    private final ExecutorService renderPool;

    /**
     * Loads and starts libvips if needed ({@link io.imgboard.preprocessor.imaging.vips.VipsUnavailableException} if it cannot).
     * Renditions are encoded one after the other on the calling thread.
     */
    public ImageProcessor(ImagingOptions options) {
        this(options, null);
    }

    /**
     * As {@link #ImageProcessor(ImagingOptions)}, with a pool that encodes all renditions but the
     * largest while the calling thread encodes that one: a photo alone uses more than one core.
     */
    public ImageProcessor(ImagingOptions options, ExecutorService renderPool) {
        this.options = options;
        this.renderPool = renderPool;
        Vips.start(options.vipsConcurrency());
    }

    public ImagingOptions options() {
        return options;
    }

    /**
     * Processes a file. {@link IOException} only when the file itself cannot be read;
     * {@link ImagingUnavailableException} when libvips failed for a reason of the machine (memory,
     * a missing loader), which is worth retrying — see {@link EnvironmentFault}.
     */
    public ProcessedImage process(Path file, List<RenditionSize> sizes) throws ImageRefusedException, IOException {
        return process(file, sizes, null);
    }

    /**
     * As {@link #process(Path, List)}, and as soon as the rendition named {@code early}'s rendition
     * is encoded, hands it to the listener with everything else the photo's result needs (size,
     * capture, hash, placeholder), on the thread that encoded it and before the other renditions
     * are waited for: the caller can send the photo on with that one while the rest are still made.
     * The listener's own failures are its business; {@code early} null: none.
     */
    public ProcessedImage process(Path file, List<RenditionSize> sizes, Early early)
            throws ImageRefusedException, IOException {
        return process(file, sizes, early, NO_PAUSE);
    }

    /**
     * As {@link #process(Path, List, Early)}, with {@code pause} run all through the work that can wait
     * (all of a photo with no early rendition, or the rest of one whose early rendition came from a
     * decode of its own): that work is done on the calling thread, its decode and resizes a band of
     * rows at a time and its encodes by libwebp directly, and {@code pause} runs between bands and at
     * each step libwebp reports (a 12 MP photo's decode pauses about 50 times, its UHD encode about
     * 100; libwebp's analysis before its first report is not split). Only the hash and placeholder of
     * a photo with no early rendition, a few ms from its smallest rendition, still use libvips'
     * threads. The decoded image is held in memory through its pauses. A caller that shares the cores among several
     * photos can hold that work there while another photo's early rendition is made; the renditions
     * are the same bytes as without a pause. {@code pause} null: none, as {@link #process(Path, List, Early)}.
     */
    public ProcessedImage process(Path file, List<RenditionSize> sizes, Early early, Runnable pause)
            throws ImageRefusedException, IOException {
        Runnable paused = pause == null ? NO_PAUSE : pause;
        refuseIfTooManyBytes(Files.size(file));
        byte[] head = new byte[FormatSniffer.HEAD_BYTES];
        int length;
        try (InputStream in = Files.newInputStream(file)) {
            length = in.readNBytes(head, 0, head.length);
        }
        ImageFormat format = accept(FormatSniffer.sniff(head, length));
        return decode(format, load -> VipsImage.open(format.loader(), file, load), sizes, early, paused, file.toString());
    }

    /**
     * Which rendition to hand over as soon as it is encoded, and to whom; {@code beforeRest} runs on
     * the calling thread when the early rendition came from a decode of its own (and was handed
     * over) and the full decode for the rest is about to start: a caller that shares the cores among
     * several photos can let another photo's early rendition go first. That rest is made through
     * {@code rest} when given (null: on the calling thread).
     */
    public record Early(String rendition, java.util.function.Consumer<ProcessedImage> listener, Runnable beforeRest,
                        Handoff rest) {
        public Early(String rendition, java.util.function.Consumer<ProcessedImage> listener) {
            this(rendition, listener, NO_PAUSE, null);
        }
    }

    /**
     * Runs work elsewhere and waits for it (a service hands the rest of a photo whose early rendition
     * is out to threads at background priority); the work's failure comes back as it was thrown.
     */
    public interface Handoff {
        <T> T call(Callable<T> work) throws Exception;
    }

    /** Processes encoded bytes; they are copied to native memory for libvips. Failures as for a file. */
    public ProcessedImage process(byte[] bytes, List<RenditionSize> sizes) throws ImageRefusedException {
        refuseIfTooManyBytes(bytes.length);
        ImageFormat format = accept(FormatSniffer.sniff(bytes, bytes.length));
        try (NativeBytes nativeBytes = NativeBytes.copyOf(bytes)) {
            return decode(format, load -> VipsImage.open(format.loader(), nativeBytes, load), sizes, null, NO_PAUSE, null);
        }
    }

    @FunctionalInterface
    private interface Opener {
        VipsImage open(LoadOptions load);
    }

    /**
     * {@code source}: the file libvips reads (its messages name it), or null for bytes in memory.
     *
     * <p>With {@link FailOn#TRUNCATED} (the default) a JPEG's decode is strict first: libjpeg only warns when
     * a part of the picture is lost (a marker inside the image data: the rest comes out grey), so any
     * warning stops it. A warning that loses nothing (stray bytes between markers) is decoded again as
     * before; one that loses a part of the picture refuses the file
     * ({@link #losesPicture}). A clean file is decoded once, as before.
     */
    private ProcessedImage decode(ImageFormat format, Opener opener, List<RenditionSize> sizes, Early early,
                                  Runnable pause, String source) throws ImageRefusedException {
        if (options.failOn() != FailOn.TRUNCATED || format != ImageFormat.JPEG) {
            return decode(format, opener, sizes, early, pause, source, options.failOn());
        }
        boolean[] handedOver = {false};
        Early watched = early == null ? null : new Early(early.rendition(), image -> {
            handedOver[0] = true;
            early.listener().accept(image);
        }, early.beforeRest(), early.rest());
        try {
            return decode(format, opener, sizes, watched, pause, source, FailOn.WARNING);
        } catch (ImageRefusedException e) {
            if (!e.reason().startsWith(CORRUPT) || !(e.getCause() instanceof VipsException vips)
                    || EnvironmentFault.matches(vips.detail()) || losesPicture(vips.detail())) {
                throw e;
            }
            return decode(format, opener, sizes, handedOver[0] ? null : early, pause, source, FailOn.TRUNCATED);
        }
    }

    /** libjpeg's warnings that mean a part of the picture was not decoded (it comes out grey). */
    private static final List<String> PICTURE_LOST = List.of("premature end of data segment", "bad huffman code",
            "bad arithmetic code", "instead of rst", "premature end of jpeg", "premature end of input");
    /** How a file that failed to decode is refused; a failure to convert or encode says so instead. */
    private static final String CORRUPT = "corrupt or truncated ";

    static boolean losesPicture(String detail) {
        String lower = detail == null ? "" : detail.toLowerCase(java.util.Locale.ROOT);
        return PICTURE_LOST.stream().anyMatch(lower::contains);
    }

    private ProcessedImage decode(ImageFormat format, Opener opener, List<RenditionSize> sizes, Early early,
                                  Runnable pause, String source, FailOn failOn) throws ImageRefusedException {
        requireDistinctNames(sizes);
        String[] stage = {"decode"};
        LoadOptions load = LoadOptions.sequential(failOn).withMaxPixels(options.maxPixels());
        try (VipsImage header = openHeader(opener, load)) {
            refuseIfTooManyPixels(header.width(), header.height());
            refuseIfTooLargeToHoldWhole(header);
            int orientation = header.orientation();
            Dimensions upright = orientation >= 5
                    ? new Dimensions(header.height(), header.width())
                    : new Dimensions(header.width(), header.height());
            List<Dimensions> targets = sizes.stream().map(s -> s.fit(upright.width(), upright.height())).toList();
            Photo photo = new Photo(format, upright, ExifText.capture(header), orientation >= 5, sizes, targets);
            boolean shrinks = format.loader().shrinksOnLoad();
            int shrink = shrinks ? shrinkOnLoad(upright, targets) : 1;
            List<Integer> first = shrinks ? earlyPass(photo, early) : List.of();
            int firstShrink = first.isEmpty() ? 1 : shrinkOnLoad(upright, first.stream().map(targets::get).toList());

            Part head = null;
            if (firstShrink > shrink) {
                // The early rendition and those no larger come from a decode at a fraction of the size
                // (a JPEG decoded at 1/2 costs about a third of the full decode): the frames get their
                // photo without waiting for the full decode the largest rendition needs.
                try (VipsImage shrunk = opener.open(load.withShrink(firstShrink));
                     VipsImage decoded = decodeSrgb(shrunk, NO_PAUSE)) {
                    stage[0] = "convert";
                    head = render(photo, decoded, first, null, early, NO_PAUSE);
                }
                stage[0] = "decode";
                early.beforeRest().run();
            }
            List<Integer> rest = new ArrayList<>();
            for (int i = 0; i < sizes.size(); i++) {
                if (head == null || head.renditions()[i] == null) {
                    rest.add(i);
                }
            }
            Part made = head;
            // Work that can wait: the rest after an early rendition of its own, or a photo with none.
            Runnable restPause = made != null || early == null ? pause : NO_PAUSE;
            RestOfPhoto tail = () -> {
                try (VipsImage shrunk = shrink > 1 ? opener.open(load.withShrink(shrink)) : null;
                     VipsImage decoded = decodeSrgb(shrunk != null ? shrunk : header, restPause)) {
                    stage[0] = "convert";
                    return render(photo, decoded, rest, made, made == null ? early : null, restPause);
                }
            };
            return photo.result(head, head != null && early.rest() != null ? handOff(early.rest(), tail) : tail.call());
        } catch (VipsException e) {
            if (EnvironmentFault.matches(e.detail())) {
                throw new ImagingUnavailableException("libvips failed at " + stage[0] + " of " + format.label()
                        + " for a reason of this machine: " + e.detail(), e);
            }
            String what = stage[0].equals("decode") ? CORRUPT : "cannot convert ";
            // Only a decode's words name the photo's own loader; a conversion's or an encode's are this photo's.
            String detail = stage[0].equals("decode") ? StrayErrors.claim(format, e.detail()) : e.detail();
            throw new ImageRefusedException(what + format.label() + ": " + readable(detail, source), e);
        }
    }

    /** The image's header; one whose header is too large is refused before a loader that decodes whole does. */
    private VipsImage openHeader(Opener opener, LoadOptions load) throws ImageRefusedException {
        try {
            return opener.open(load);
        } catch (TooManyPixelsException e) {
            refuseIfTooManyPixels(e.width(), e.height());
            throw new IllegalStateException("refused above the limit, yet within it: " + e.getMessage(), e);
        }
    }

    /** The decode and renditions after the early pass; libvips' failures are unchecked. */
    private interface RestOfPhoto extends Callable<Part> {
        @Override
        Part call();
    }

    /** The rest of a photo made through {@code handoff}; what it throws comes back unchanged. */
    private static Part handOff(Handoff handoff, RestOfPhoto tail) {
        try {
            return handoff.call(tail);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("the rest of the photo failed: " + e, e);
        }
    }

    /** What every rendition of one original shares: its format, upright size, capture, and the sizes asked for. */
    private record Photo(ImageFormat format, Dimensions upright, CaptureInfo capture, boolean sideways,
                         List<RenditionSize> sizes, List<Dimensions> targets) {

        ProcessedImage image(String hash, String placeholder, List<EncodedRendition> renditions, Instant resizedAt) {
            return new ProcessedImage(format, upright.width(), upright.height(), capture, hash, placeholder,
                    renditions, resizedAt);
        }

        /** Every rendition in the order asked for, from one pass or two; the first pass' hash, placeholder and time. */
        ProcessedImage result(Part head, Part tail) {
            Part first = head != null ? head : tail;
            List<EncodedRendition> renditions = new ArrayList<>(sizes.size());
            for (int i = 0; i < sizes.size(); i++) {
                renditions.add(head != null && head.renditions()[i] != null ? head.renditions()[i] : tail.renditions()[i]);
            }
            return image(first.hash(), first.placeholder(), List.copyOf(renditions), first.resizedAt());
        }
    }

    /**
     * The renditions made from one decode: encoded ones at their index in the sizes asked for (null
     * for those of the other pass), the hash and placeholder, and when resizing was done.
     */
    private record Part(EncodedRendition[] renditions, String hash, String placeholder, Instant resizedAt) {
    }

    /**
     * For an early rendition that is not the largest: it and every rendition that fits inside it
     * (made in a first pass from a smaller decode); empty when there is no such split.
     */
    private static List<Integer> earlyPass(Photo photo, Early early) {
        if (early == null) {
            return List.of();
        }
        int e = -1;
        for (int i = 0; i < photo.sizes().size(); i++) {
            if (photo.sizes().get(i).name().equals(early.rendition())) {
                e = i;
            }
        }
        if (e < 0) {
            return List.of();
        }
        Dimensions box = photo.targets().get(e);
        List<Integer> first = new ArrayList<>();
        for (int i = 0; i < photo.targets().size(); i++) {
            Dimensions target = photo.targets().get(i);
            if (target.width() <= box.width() && target.height() <= box.height()) {
                first.add(i);
            }
        }
        return first.size() == photo.sizes().size() ? List.of() : first;
    }

    /**
     * libvips' words for the failure, or ours when all it has is a function name: libpng reports a
     * PNG with a 0x0 header or no IDAT only as a warning, and the error buffer then says just
     * "vips_pngload_buffer failed", which tells the person who sent the file nothing.
     */
    /**
     * libvips' reason as a person reads it: the file it names is this service's temporary copy, so it is
     * "the file" (and reasons stay alike from photo to photo, which the stats count by reason).
     */
    static String readable(String detail, String source) {
        String d = detail == null ? "" : detail.strip();
        if (source != null && !source.isEmpty()) {
            d = d.replace(source, "the file");
            // A loader may quote the file again, cut to the length of its message buffer: any path in the
            // file's folder is the file too, and a part of the message that only names it says nothing.
            java.nio.file.Path folder = java.nio.file.Path.of(source).getParent();
            if (folder != null && folder.getNameCount() > 0) {
                d = d.replaceAll(java.util.regex.Pattern.quote(folder.toString()) + "/\\S*", "the file");
                d = java.util.Arrays.stream(d.split("; "))
                        .filter(part -> !part.strip().replaceAll("[.…]+$", "").equals("the file"))
                        .collect(java.util.stream.Collectors.joining("; "));
            }
        }
        if (d.isEmpty() || d.matches("(?s)(vips_\\w+(: )?\\s*failed\\s*)+")) {
            return "the decoder gave no reason; the header or the image data is damaged or missing";
        }
        return d;
    }

    /**
     * The largest JPEG shrink-on-load factor (8, 4, 2) that still leaves at least as many pixels
     * as the largest rendition needs, like sharp's fast shrink-on-load. libvips' own thumbnail
     * keeps a further 2× margin; for photos at web sizes the difference is not visible and the
     * decode is 2–4× cheaper.
     */
    static int shrinkOnLoad(Dimensions upright, List<Dimensions> targets) {
        int needWidth = Math.max(PerceptualHash.SIZE, targets.stream().mapToInt(Dimensions::width).max().orElse(1));
        int needHeight = Math.max(PerceptualHash.SIZE, targets.stream().mapToInt(Dimensions::height).max().orElse(1));
        for (int factor = 8; factor > 1; factor /= 2) {
            if (upright.width() / factor >= needWidth && upright.height() / factor >= needHeight) {
                return factor;
            }
        }
        return 1;
    }

    /**
     * sRGB, 8-bit, fully decoded into memory, still as stored: turning it upright is left to each
     * (much smaller) rendition, which saves rotating and copying the whole photo.
     */
    private static VipsImage decodeSrgb(VipsImage source, Runnable pause) {
        try (VipsImage srgb = toSrgb(source)) {
            return inMemory(srgb, pause);
        }
    }

    /** Rendered into memory: by libvips' threads, or with a pause on this thread alone (see {@link #process(Path, List, Early, Runnable)}). */
    private static VipsImage inMemory(VipsImage image, Runnable pause) {
        return pause == NO_PAUSE ? image.copyMemory() : image.copyMemory(pause);
    }

    /**
     * The renditions at {@code indices} from one decoded image, largest first, each resized from
     * the smallest image made so far that still covers it (the display size from the UHD one, the
     * thumbnail from the display one, hash and placeholder from the smallest): only the largest
     * reads the whole decode. Each resized image is held in memory, turned upright, then encoded —
     * on the render pool when there is one, so one photo alone uses every core; the caller encodes
     * the largest. Hash and placeholder come from {@code made} when an earlier pass made them.
     * {@code decoded} is closed once everything is resized (closing it again is harmless). With a
     * {@code pause}, the resizes and encodes are all done on this thread with that pause
     * ({@link #process(Path, List, Early, Runnable)}): one of the render pool's threads held in a
     * pause could keep an early stage's encode waiting, and so the pause for ever.
     */
    private Part render(Photo photo, VipsImage decoded, List<Integer> indices, Part made, Early early,
                        Runnable pause) {
        List<RenditionSize> sizes = photo.sizes();
        List<Dimensions> targets = photo.targets();
        List<Integer> order = new ArrayList<>(indices);
        order.sort(Comparator.comparingLong((Integer i) -> targets.get(i).pixels()).reversed());
        VipsImage[] resized = new VipsImage[sizes.size()];
        List<Future<EncodedRendition>> encoded = new ArrayList<>(indices.size());
        List<FutureTask<EncodedRendition>> inline = new ArrayList<>(indices.size());
        try {
            int need = Math.max(PerceptualHash.SIZE, options.placeholderSize());
            VipsImage small = decoded;
            for (int i : order) {
                Dimensions target = targets.get(i);
                Dimensions stored = photo.sideways() ? new Dimensions(target.height(), target.width()) : target;
                VipsImage source = decoded;
                for (VipsImage image : resized) {
                    if (image != null && image.width() >= stored.width() && image.height() >= stored.height()
                            && image.width() < source.width()) {
                        source = image;
                    }
                }
                try (VipsImage lazy = resizeTo(source, stored)) {
                    resized[i] = inMemory(lazy, pause);
                }
                if (resized[i].width() >= need && resized[i].height() >= need && resized[i].width() < small.width()) {
                    small = resized[i];
                }
            }
            Instant resizedAt = Instant.now();
            // Hash and placeholder first (from the smallest image, a few ms): an early rendition carries them.
            String hash;
            String placeholder;
            if (made != null) {
                hash = made.hash();
                placeholder = made.placeholder();
            } else {
                try (VipsImage uprightSmall = upright(small)) {
                    hash = perceptualHash(uprightSmall);
                    placeholder = placeholder(uprightSmall);
                }
            }
            // Every rendition is resized into memory of its own: the decoded copy goes before any wait (what
            // the loader itself holds stays until the photo is done).
            decoded.close();
            for (int i : indices) {
                VipsImage image = resized[i];
                RenditionSize size = sizes.get(i);
                Callable<EncodedRendition> task = () -> encode(image, size, pause);
                if (early != null && size.name().equals(early.rendition())) {
                    task = () -> {
                        EncodedRendition rendition = encode(image, size, pause);
                        early.listener().accept(photo.image(hash, placeholder, List.of(rendition), resizedAt));
                        return rendition;
                    };
                }
                encoded.add(submit(task, i != order.get(0) && pause == NO_PAUSE, inline));
            }
            inline.forEach(FutureTask::run);
            EncodedRendition[] renditions = new EncodedRendition[sizes.size()];
            for (int k = 0; k < indices.size(); k++) {
                renditions[indices.get(k)] = join(encoded.get(k));
            }
            return new Part(renditions, hash, placeholder, resizedAt);
        } finally {
            // No image may be closed while an encode task could still read it.
            inline.forEach(task -> task.cancel(false)); // only this thread runs them: none is running now
            encoded.forEach(ImageProcessor::awaitQuietly);
            for (VipsImage image : resized) {
                if (image != null) {
                    image.close();
                }
            }
        }
    }

    /** On the render pool when asked and there is one (and it takes work), else a task this thread runs later. */
    private Future<EncodedRendition> submit(Callable<EncodedRendition> task, boolean pooled,
                                            List<FutureTask<EncodedRendition>> inline) {
        if (pooled && renderPool != null) {
            try {
                return renderPool.submit(task);
            } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                // encode it here
            }
        }
        FutureTask<EncodedRendition> here = new FutureTask<>(task);
        inline.add(here);
        return here;
    }

    private static void awaitQuietly(Future<?> future) {
        boolean interrupted = false;
        while (true) {
            try {
                future.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The result of an encode task, its failure rethrown as it was (a {@link VipsException} stays one). */
    private static EncodedRendition join(Future<EncodedRendition> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while encoding", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A new handle on {@code image}, upright according to its orientation field. */
    private static VipsImage upright(VipsImage image) {
        return image.orientation() == 1 ? image.copy() : image.autorot();
    }

    private static VipsImage toSrgb(VipsImage source) {
        if (source.hasIccProfile() || source.isCmyk()) {
            try {
                return toUchar(source.iccToSrgb());
            } catch (VipsException unusableProfile) {
                if (source.isCmyk()) {
                    return toUchar(source.iccToSrgbFrom("cmyk"));
                }
                // An RGB image with a broken profile: treat it as untagged, which means sRGB.
            }
        }
        return toUchar(source.colourspace(VipsImage.Space.SRGB));
    }

    private static VipsImage toUchar(VipsImage image) {
        if (image.isUchar()) {
            return image;
        }
        try (image) {
            return image.castToUchar();
        }
    }

    private EncodedRendition encode(VipsImage resized, RenditionSize size, Runnable pause) {
        Instant startedAt = Instant.now();
        try (VipsImage upright = upright(resized); VipsImage clean = upright.withoutMetadata()) {
            byte[] webp = WebpMetadata.strip(pause == NO_PAUSE ? clean.webp(size.quality(), options.webpEffort())
                    : clean.webp(size.quality(), options.webpEffort(), pause));
            return new EncodedRendition(size.name(), clean.width(), clean.height(), webp, startedAt, Instant.now());
        }
    }

    /** A new handle on {@code image} at {@code target}, never larger than the image itself. */
    private static VipsImage resizeTo(VipsImage image, Dimensions target) {
        return resizeExactly(image, Math.min(target.width(), image.width()), Math.min(target.height(), image.height()));
    }

    /** A new handle on {@code image} at exactly {@code width}×{@code height}. */
    private static VipsImage resizeExactly(VipsImage image, int width, int height) {
        if (width == image.width() && height == image.height()) {
            return image.copy();
        }
        VipsImage resized = image.resize((double) width / image.width(), (double) height / image.height());
        if (resized.width() <= width && resized.height() <= height) {
            return resized;
        }
        // Rounding inside vips_resize can leave one pixel too many.
        try (resized) {
            return resized.crop(0, 0, Math.min(width, resized.width()), Math.min(height, resized.height()));
        }
    }

    private static String perceptualHash(VipsImage decoded) {
        int size = PerceptualHash.SIZE;
        try (VipsImage small = resizeExactly(decoded, size, size);
             VipsImage colour = small.hasAlpha() ? small.extractBands(0, small.bands() - 1) : small.copy();
             VipsImage grey = toUchar(colour.colourspace(VipsImage.Space.B_W))) {
            byte[] pixels = grey.pixels();
            if (pixels.length != size * size) {
                throw new IllegalStateException("hash image is " + grey.width() + "x" + grey.height() + "x"
                        + grey.bands() + ", expected " + size + "x" + size + "x1");
            }
            return PerceptualHash.of(pixels);
        }
    }

    private String placeholder(VipsImage decoded) {
        Dimensions target = Dimensions.fitInside(decoded.width(), decoded.height(), options.placeholderSize(),
                options.placeholderSize());
        try (VipsImage small = resizeTo(decoded, target); VipsImage clean = small.withoutMetadata()) {
            byte[] webp = WebpMetadata.strip(clean.webp(PLACEHOLDER_QUALITY, options.webpEffort()));
            return "data:image/webp;base64," + Base64.getEncoder().encodeToString(webp);
        }
    }

    private static ImageFormat accept(FormatSniffer.Sniffed sniffed) throws ImageRefusedException {
        return sniffed.format().orElseThrow(() -> new ImageRefusedException("unsupported format: " + sniffed.looksLike()));
    }

    private void refuseIfTooManyBytes(long bytes) throws ImageRefusedException {
        if (bytes == 0) {
            throw new ImageRefusedException("unsupported format: empty file");
        }
        if (bytes > options.maxBytes()) {
            throw new ImageRefusedException("file too large: " + megabytes(bytes) + " (limit " + megabytes(options.maxBytes()) + ")");
        }
    }

    private void refuseIfTooManyPixels(int width, int height) throws ImageRefusedException {
        long pixels = (long) width * height;
        if (pixels > options.maxPixels()) {
            throw new ImageRefusedException("image too large: " + width + "x" + height + " pixels ("
                    + megapixels(pixels) + "; limit " + megapixels(options.maxPixels()) + ")");
        }
    }

    /**
     * An interlaced file (PNG's Adam7) cannot be read a strip at a time: libvips decodes it whole into
     * memory before the first row comes out, so its memory is its pixels × bands × bytes per sample, not
     * a strip's worth. Such an image may need no more than the largest 8-bit RGBA image {@code max-pixels}
     * admits: a 10000×10000 16-bit RGBA interlaced PNG of 830 KB asked for 800 MB (1.05 GB of RSS).
     */
    private void refuseIfTooLargeToHoldWhole(VipsImage header) throws ImageRefusedException {
        if (header.intField("interlaced").orElse(0) == 0) {
            return;
        }
        long bytes = (long) header.width() * header.height() * header.bands() * header.bytesPerSample();
        long limit = options.maxPixels() * 4;
        if (bytes > limit) {
            throw new ImageRefusedException("interlaced image too large to decode: " + header.width() + "x" + header.height()
                    + ", " + header.bands() + " bands of " + 8 * header.bytesPerSample() + " bits, needs " + megabytes(bytes)
                    + " in memory at once (an interlaced file is decoded whole); limit " + megabytes(limit));
        }
    }

    private static void requireDistinctNames(List<RenditionSize> sizes) {
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("no renditions asked for");
        }
        Set<String> names = new HashSet<>();
        for (RenditionSize size : sizes) {
            if (!names.add(size.name())) {
                throw new IllegalArgumentException("rendition " + size.name() + " asked for twice");
            }
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
    }

    private static String megapixels(long pixels) {
        return String.format(Locale.ROOT, "%.1f MP", pixels / 1_000_000.0);
    }
}
