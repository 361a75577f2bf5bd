package io.imgboard.preprocessor.config;

import io.imgboard.preprocessor.imaging.ImagingOptions;
import io.imgboard.preprocessor.imaging.RenditionSize;
import io.imgboard.preprocessor.imaging.vips.FailOn;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithConverter;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code imgboard.preprocessor.*}: what to make and how hard to work. */
@ConfigMapping(prefix = "imgboard.preprocessor")
public interface PreprocessorConfig {

    /**
     * The default rendition set, used when a request names none: {@code name=WIDTHxHEIGHT@QUALITY},
     * comma separated. Each fits inside its box, never enlarged, aspect kept.
     */
    @WithDefault("display=1920x1080@82,uhd=3840x2160@82,thumb=480x480@75")
    List<@WithConverter(RenditionSizeConverter.class) RenditionSize> renditions();

    /** Refuse originals with more pixels than this, read from the header before decoding. */
    @WithDefault("100000000")
    long maxPixels();

    /** Refuse originals larger than this many bytes (checked before download). */
    @WithDefault("268435456")
    long maxBytes();

    /**
     * libwebp effort 0–6. Measured on 12 MP photos (Bench): 2 encodes in ≈ 0.37× the CPU of 4
     * (libvips' default) for ≈ +4.7 % bytes, which makes a whole photo ≈ 0.6× the CPU; 0 saves a
     * little more CPU for ≈ +20 % bytes. 2 is the default: a photo reaches the frames sooner and a
     * backlog drains faster, for a few percent of bandwidth.
     */
    @WithDefault("2")
    int webpEffort();

    /** How strict decoding is: none, truncated, error, warning. */
    @WithDefault("truncated")
    FailOn failOn();

    /** The placeholder fits inside this square, in pixels. */
    @WithDefault("32")
    int placeholderSize();

    /** Threads libvips uses inside one image; the default is {@link ImagingOptions#DEFAULT_VIPS_CONCURRENCY}'s. */
    @WithDefault("" + ImagingOptions.DEFAULT_VIPS_CONCURRENCY)
    int vipsConcurrency();

    /**
     * Threads that encode renditions beside the worker handling the photo: the worker encodes the
     * largest, this pool the others, so a photo alone uses every core (its latency drops by about
     * the time of the smaller encodes) while a backlog still runs one photo per core. 0 encodes
     * every rendition on the worker. Unset: the number of cores.
     */
    Optional<Integer> renderThreads();

    /**
     * Process a tiny generated photo at start-up, before the service reports ready, so the first
     * real photo does not pay for loading libvips' modules and compiling the Java path; and ask S3
     * for an object that is not there, fetch the results topic's metadata and write and read a
     * request and a result as JSON (the first photo's other first times).
     */
    @WithDefault("true")
    boolean warmUp();

    /**
     * The rendition of a new photo sent on as soon as it is made, in an early result, before the
     * others are (the frames show this one, so a photo reaches them sooner); {@code none}: results
     * only once every rendition is made. The display tells frames of the complete result as an
     * {@code update} of the photo, never a second {@code add}.
     */
    @WithDefault("display")
    String earlyRendition();

    /**
     * The nice value (0-19) of the threads that make a photo's complete stage: the rest of a new
     * photo once its early rendition is out, and a photo not answered early (a reprocess). Higher is
     * lower priority, so that work uses the CPU only when ingest, the ledger, the display, the broker
     * and the next photo's early rendition do not want it. 0: made on the worker's own thread at the
     * service's priority.
     */
    @WithDefault("10")
    int completeStageNice();

    /**
     * How long a photo's complete stage gives way to new photos' early stages at most, added up: the
     * time it waits for its turn while an early stage waits, and (with {@code complete-stage-nice}
     * above 0) the time it is paused while one runs or waits; not its wait behind other complete
     * stages. Then it gives way no more: with {@code complete-stage-nice} above 0 it goes on beside
     * them, niced; at 0 (shared turns) it takes the next free turn before the early stages waiting.
     * Under a steady stream of new photos the larger renditions of the ones before come about this
     * much later, not only once the stream ends. A very long value (e.g. {@code 3650d}) is no bound.
     */
    @WithDefault("60s")
    Duration completeStagePatience();

    /** Images decoded and encoded at once, one per core, whatever the number of requests in hand. */
    @WithDefault("2")
    int workers();

    /**
     * Requests taken at once: each downloads its original and waits for one of the {@link #workers()}
     * turns, a new photo's early rendition before any photo's complete work. Read by the worker pool
     * through {@code smallrye.messaging.worker.imgboard-preprocess.max-concurrency} in application.properties.
     */
    @WithDefault("32")
    int requestsInHand();

    /** Where originals are downloaded to while processed; the system temp folder by default. */
    Optional<Path> workDir();

    /** Storage and imaging (memory, missing module) retries before a request fails as retryable. */
    Retry retry();

    interface Retry {
        /** Attempts in all, the first included. */
        @WithDefault("4")
        int attempts();

        /** Wait before the second attempt; doubles each time. */
        @WithDefault("500ms")
        Duration initialBackoff();

        @WithDefault("5s")
        Duration maxBackoff();
    }

    /**
     * Waits between attempts to publish a result (Kafka away). There is no last attempt: the
     * request stays unacknowledged and is retried until the result is out or the service stops.
     */
    PublishRetry publishRetry();

    interface PublishRetry {
        @WithDefault("500ms")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();
    }

    default ImagingOptions imagingOptions() {
        return new ImagingOptions(maxPixels(), maxBytes(), webpEffort(), failOn(), placeholderSize(),
                vipsConcurrency());
    }
}
