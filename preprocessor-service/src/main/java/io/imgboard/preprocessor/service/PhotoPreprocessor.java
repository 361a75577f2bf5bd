package io.imgboard.preprocessor.service;

import io.imgboard.events.PhotoProcessed;
import io.imgboard.events.ProcessRequested;
import io.imgboard.events.ProcessingFailed;
import io.imgboard.events.ProcessingResult;
import io.imgboard.events.Rendition;
import io.imgboard.events.RenditionSpec;
import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.imgboard.preprocessor.imaging.CaptureInfo;
import io.imgboard.preprocessor.imaging.EncodedRendition;
import io.imgboard.preprocessor.imaging.ImageProcessor;
import io.imgboard.preprocessor.imaging.ImageRefusedException;
import io.imgboard.preprocessor.imaging.ImagingUnavailableException;
import io.imgboard.preprocessor.imaging.ProcessedImage;
import io.imgboard.preprocessor.imaging.RenditionSize;
import io.imgboard.preprocessor.imaging.vips.VipsUnavailableException;
import io.imgboard.preprocessor.storage.MissingObjectException;
import io.imgboard.preprocessor.storage.ObjectStore;
import io.imgboard.preprocessor.storage.StorageUnavailableException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import org.jboss.logging.MDC;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * One request, start to end: fetch the original to a temporary file (in a sub-directory of the
 * work dir, cleared of leftovers at start-up), make the renditions, store them, and say how it went. Every outcome is a {@link ProcessingResult}; nothing a photo or an
 * outage does escapes as an exception.
 */
@Startup
@ApplicationScoped
public class PhotoPreprocessor {
    private final ImagingEngine engine;
    private final ObjectStore store;
    private final PreprocessorConfig config;
    private final Retrier retrier;
    private final MeterRegistry metrics;
    private final Path workDir;
    private final WorkGate gate;
    private final RequestOrder order = new RequestOrder();

    PhotoPreprocessor(ImagingEngine engine, ObjectStore store, PreprocessorConfig config, MeterRegistry metrics) {
        this.engine = engine;
        this.store = store;
        this.config = config;
        this.retrier = new Retrier(config.retry());
        this.metrics = metrics;
        if (config.completeStagePatience().isNegative() || config.completeStagePatience().isZero()) {
            throw new IllegalArgumentException("imgboard.preprocessor.complete-stage-patience must be positive, was "
                    + config.completeStagePatience());
        }
        this.gate = new WorkGate(config.workers(), config.completeStageNice() > 0, config.completeStagePatience());
        FunctionCounter.builder("imgboard.preprocessor.impatient", gate, WorkGate::impatient)
                .description("complete stages that went on beside early ones, their patience spent")
                .register(metrics);
        if (config.requestsInHand() < config.workers()) {
            // The worker pool would get a max-concurrency below the turns at the core, or of 0.
            throw new IllegalArgumentException("imgboard.preprocessor.requests-in-hand must be at least "
                    + "imgboard.preprocessor.workers (" + config.workers() + "), was " + config.requestsInHand());
        }
        this.workDir = config.workDir().orElse(Path.of(System.getProperty("java.io.tmpdir"))).resolve(ORIGINALS_DIR);
        removeLeftovers(workDir);
    }

    /** The sub-directory of the work dir that holds nothing but originals being processed. */
    static final String ORIGINALS_DIR = "imgboard-preprocessor-originals";

    /** Held for the life of the process by the preprocessor that owns the originals directory. */
    private static FileChannel ownerLock;

    /**
     * Deletes {@code original-*} files a killed process left behind (kill -9 skips every finally).
     * Only the process holding the directory's lock does so: a second preprocessor on the same
     * work dir must not delete the downloads the first one is working on.
     */
    static synchronized void removeLeftovers(Path dir) {
        try {
            Files.createDirectories(dir);
            FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                Log.infof("%s is in use by another preprocessor: leaving its files alone", dir);
                return;
            }
            if (ownerLock != null) {
                ownerLock.close();
            }
            ownerLock = channel;
            int removed = 0;
            try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "original-*")) {
                for (Path leftover : leftovers) {
                    if (Files.deleteIfExists(leftover)) {
                        removed++;
                    }
                }
            }
            if (removed > 0) {
                Log.infof("removed %d original(s) left in %s by a process that did not finish", removed, dir);
            }
        } catch (IOException e) {
            Log.warnf("cannot clean up %s: %s", dir, e.getMessage());
        }
    }

    /** The turns at the imaging core that the requests in hand share. */
    WorkGate gate() {
        return gate;
    }

    public ProcessingResult process(ProcessRequested request) {
        return process(request, RequestOrder.Ticket.UNORDERED, null);
    }

    /**
     * Notes a request as it is taken from its partition, before any work on it: from then on, an older
     * request for the same photo still in hand stores no more renditions ({@link RequestOrder}).
     */
    public RequestOrder.Ticket take(UUID photoId, int partition, long offset) {
        return order.take(photoId, partition, offset);
    }

    /**
     * As {@link #process(ProcessRequested)}; for a new photo ({@code NEW}) and {@code earlyResults}
     * given, the rendition named {@code imgboard.preprocessor.early-rendition} (the frames' one) is
     * stored and handed over as an early {@link PhotoProcessed} (its {@code pending} names the rest)
     * as soon as it is encoded, on the thread that encoded it, while the others are still being
     * made: a new photo reaches the frames without waiting for its largest rendition. The returned
     * result is still the complete one. A reprocess never answers early: its photo is on the frames
     * already, with renditions an early answer would leave out. Renditions are stored only while no
     * newer request for the photo has been {@linkplain #take taken}; the result of one overtaken is
     * stale, and the ledger ignores it.
     */
    public ProcessingResult process(ProcessRequested request, RequestOrder.Ticket ticket,
                                    Consumer<ProcessingResult> earlyResults) {
        Timer.Sample sample = Timer.start(metrics);
        ProcessingResult result = attempt(request, ticket, earlyResults);
        String outcome = result instanceof ProcessingFailed failed
                ? (failed.permanent() ? "refused" : "failed") : "processed";
        long nanos = sample.stop(metrics.timer("imgboard.preprocessor.duration", "outcome", outcome));
        metrics.counter("imgboard.preprocessor.results", "outcome", outcome).increment();
        if (result instanceof ProcessingFailed failed) {
            Log.infof("%s %s in %d ms: %s", failed.permanent() ? "refused" : "failed (retryable)",
                    request.originalKey(), nanos / 1_000_000, failed.reason());
        } else if (result instanceof PhotoProcessed processed) {
            Log.infof("processed %s in %d ms: %s %dx%d, %d renditions", request.originalKey(), nanos / 1_000_000,
                    processed.format(), processed.width(), processed.height(), processed.renditions().size());
        }
        return result;
    }

    private ProcessingResult attempt(ProcessRequested request, RequestOrder.Ticket ticket,
                                     Consumer<ProcessingResult> earlyResults) {
        String key = request.originalKey();
        if (key == null || key.isBlank()) {
            return failed(request, "the request names no original", true);
        }
        List<RenditionSize> sizes;
        try {
            sizes = sizes(request.renditions());
        } catch (IllegalArgumentException e) {
            return failed(request, "invalid rendition spec: " + e.getMessage(), true);
        }
        Path original = null;
        Instant received = Instant.now();
        try {
            ImageProcessor processor = engine.processor();
            long size = retrier.call("stat " + key, () -> store.originalSize(key));
            if (size > config.maxBytes()) {
                return failed(request, String.format(Locale.ROOT, "file too large: %.1f MB (limit %.1f MB)",
                        size / 1e6, config.maxBytes() / 1e6), true);
            }
            original = Files.createTempFile(Files.createDirectories(workDir), "original-" + request.photoId() + "-", "");
            Path target = original;
            retrier.call("download " + key, () -> {
                store.downloadOriginal(key, target);
                return null;
            });
            Path downloaded = original;
            Instant downloadedAt = Instant.now();
            Set<String> storedEarly = ConcurrentHashMap.newKeySet();
            boolean answersEarly = answersEarly(request, sizes, earlyResults);
            Instant[] turnAt = new Instant[1];
            // The original is in hand; the cores are shared with the other requests in hand, early stages first.
            ProcessedImage image = retrier.imaging("process " + key, () -> {
                try (WorkGate.Turn turn = gate.enter(answersEarly ? WorkGate.Stage.EARLY : WorkGate.Stage.COMPLETE)) {
                    turnAt[0] = Instant.now();
                    if (!answersEarly) {
                        return engine.background().imaging(() -> processor.process(downloaded, sizes, null,
                                paused(turn)));
                    }
                    return processor.process(downloaded, sizes, early(request, ticket, sizes, earlyResults, storedEarly,
                            () -> turn.next(WorkGate.Stage.COMPLETE)), paused(turn));
                }
            });
            List<Rendition> renditions = new ArrayList<>();
            for (EncodedRendition rendition : image.renditions()) {
                String objectKey = Rendition.keyFor(request.photoId(), rendition.name());
                retrier.call("upload " + objectKey, () -> {
                    if (!storedEarly.contains(objectKey)) {
                        order.store(ticket, objectKey, () -> store.putRendition(objectKey, rendition.webp()));
                    }
                    return null;
                });
                renditions.add(new Rendition(rendition.name(), objectKey, rendition.width(), rendition.height(),
                        rendition.webp().length));
            }
            timeline(received, downloadedAt, turnAt[0], image, Instant.now());
            return new PhotoProcessed(UUID.randomUUID(), Instant.now(), request.photoId(), request.eventId(),
                    List.copyOf(renditions), image.width(), image.height(), image.format().id(),
                    capture(image.capture()), image.perceptualHash(), image.placeholder());
        } catch (ImageRefusedException e) {
            return failed(request, e.reason(), true);
        } catch (MissingObjectException e) {
            return failed(request, "original is missing from storage: " + key, true);
        } catch (StorageUnavailableException e) {
            return failed(request, "storage unavailable after " + retrier.attempts() + " attempts: " + e.getMessage(),
                    false);
        } catch (ImagingUnavailableException e) {
            return failed(request, "imaging failed after " + retrier.attempts() + " attempts: " + e.getMessage(),
                    false);
        } catch (VipsUnavailableException e) {
            return failed(request, "libvips is not available on this preprocessor: " + e.getMessage(), false);
        } catch (IOException e) {
            return failed(request, "cannot keep the original in a temporary file: " + e.getMessage(), false);
        } catch (RuntimeException e) {
            Log.errorf(e, "unexpected failure processing %s", key);
            return failed(request, "internal error: " + e, false);
        } finally {
            deleteQuietly(original);
        }
    }

    /**
     * The imaging core's pause for work that can wait: the turn yields to early stages; a wait is timed.
     * None (null) when the stages share their turns ({@code complete-stage-nice} 0): the work is then
     * not paced either, and libvips' threads do it as they do an early stage.
     */
    private Runnable paused(WorkGate.Turn turn) {
        if (!gate.pauses()) {
            return null;
        }
        return () -> {
            Timer.Sample sample = Timer.start(metrics);
            if (turn.yieldToEarly()) {
                sample.stop(metrics.timer("imgboard.preprocessor.paused"));
            }
        };
    }

    /** Whether a new photo is answered early: when asked for and the set has that rendition and others. */
    private boolean answersEarly(ProcessRequested request, List<RenditionSize> sizes,
                                 Consumer<ProcessingResult> earlyResults) {
        String name = config.earlyRendition();
        return earlyResults != null && request.reason() == ProcessRequested.Reason.NEW && sizes.size() >= 2
                && sizes.stream().anyMatch(s -> s.name().equals(name));
    }

    /**
     * The early answer for a new photo; {@code beforeRest} runs once it is out, when the rest of the
     * photo needs a decode of its own (it waits for the photo's turn at its complete stage), and that
     * rest is made at background priority ({@link BackgroundWork}), as is all of a photo not answered early.
     */
    private ImageProcessor.Early early(ProcessRequested request, RequestOrder.Ticket ticket, List<RenditionSize> sizes,
                                       Consumer<ProcessingResult> earlyResults, Set<String> storedEarly,
                                       Runnable beforeRest) {
        String name = config.earlyRendition();
        List<String> pending = sizes.stream().map(RenditionSize::name).filter(n -> !n.equals(name)).toList();
        String photoId = request.photoId().toString();
        return new ImageProcessor.Early(name, image -> {
            // On the worker's own thread (when the early rendition is the one it encodes) the photo id is
            // in the MDC already and must stay there for the rest of the photo's log lines.
            Object before = MDC.get("photoId");
            MDC.put("photoId", photoId);
            try {
                EncodedRendition rendition = image.renditions().get(0);
                String objectKey = Rendition.keyFor(request.photoId(), rendition.name());
                boolean stored = order.store(ticket, objectKey, () -> store.putRendition(objectKey, rendition.webp()));
                storedEarly.add(objectKey);
                if (!stored) {
                    return; // overtaken: nobody waits for this request's answers
                }
                earlyResults.accept(new PhotoProcessed(UUID.randomUUID(), Instant.now(), request.photoId(),
                        request.eventId(), List.of(new Rendition(rendition.name(), objectKey, rendition.width(),
                        rendition.height(), rendition.webp().length)), image.width(), image.height(), image.format().id(),
                        capture(image.capture()), image.perceptualHash(), image.placeholder(), pending));
            } catch (StorageUnavailableException | RuntimeException e) {
                // Only the head start is lost: the complete result follows as it always did.
                Log.warnf("early %s of %s not sent (the complete result follows): %s", name, request.originalKey(),
                        e.toString());
            } finally {
                if (before == null) {
                    MDC.remove("photoId");
                } else {
                    MDC.put("photoId", before);
                }
            }
        }, beforeRest, engine.background());
    }

    /**
     * One log line per photo with the service's own timestamps, so a pipeline benchmark (or a person
     * reading the log) sees where the time went: {@code timeline received=<instant> downloaded=+ms
     * resized=+ms turn=+ms <rendition>=+start..+end ms … stored=+ms} ({@code turn}: when its first
     * stage had its turn at the imaging core, {@link WorkGate}). The same stages go to the
     * {@code imgboard_preprocessor_stage_seconds{stage}} timer.
     */
    private void timeline(Instant received, Instant downloaded, Instant turn, ProcessedImage image, Instant stored) {
        StringBuilder line = new StringBuilder("timeline received=").append(received)
                .append(" downloaded=+").append(since(received, downloaded))
                .append(" resized=+").append(since(received, image.resizedAt()))
                .append(" turn=+").append(since(received, turn));
        Instant encoded = image.resizedAt();
        for (EncodedRendition rendition : image.renditions()) {
            line.append(' ').append(rendition.name()).append("=+").append(since(received, rendition.startedAt()))
                    .append("..+").append(since(received, rendition.finishedAt()));
            encoded = rendition.finishedAt().isAfter(encoded) ? rendition.finishedAt() : encoded;
        }
        line.append(" stored=+").append(since(received, stored)).append(" ms");
        Log.info(line);
        stage("download", received, downloaded);
        stage("turn", downloaded, turn);
        stage("decode", turn, image.resizedAt());
        stage("encode", image.resizedAt(), encoded);
        stage("store", encoded, stored);
    }

    private void stage(String name, Instant from, Instant to) {
        metrics.timer("imgboard.preprocessor.stage", "stage", name).record(java.time.Duration.between(from, to));
    }

    private static long since(Instant from, Instant to) {
        return java.time.Duration.between(from, to).toMillis();
    }

    private List<RenditionSize> sizes(List<RenditionSpec> specs) {
        if (specs == null || specs.isEmpty()) {
            return config.renditions();
        }
        List<RenditionSize> sizes = specs.stream()
                .map(s -> new RenditionSize(s.name(), s.width(), s.height(), s.quality()))
                .toList();
        if (sizes.stream().map(RenditionSize::name).distinct().count() != sizes.size()) {
            throw new IllegalArgumentException("a rendition name appears twice in " + sizes);
        }
        return sizes;
    }

    private static PhotoProcessed.Capture capture(CaptureInfo info) {
        return info == null ? null : new PhotoProcessed.Capture(info.capturedAt(), info.localTime(), info.offset(),
                info.cameraMake(), info.cameraModel());
    }

    private static ProcessingFailed failed(ProcessRequested request, String reason, boolean permanent) {
        return new ProcessingFailed(UUID.randomUUID(), Instant.now(), request.photoId(), request.eventId(), reason,
                permanent);
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            Log.warnf("cannot delete %s: %s", file, e.getMessage());
        }
    }
}
