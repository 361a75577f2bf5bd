package io.imgboard.preprocessor.service;

import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.imgboard.preprocessor.imaging.ImageProcessor;
import io.imgboard.preprocessor.imaging.ProcessedImage;
import io.imgboard.preprocessor.imaging.vips.Vips;
import io.imgboard.preprocessor.imaging.vips.VipsUnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The imaging core, built from configuration at start-up. When libvips cannot be loaded the
 * service still starts, says why in the log and in readiness, and answers requests with a
 * retryable failure rather than blaming the photos. When it can, a tiny photo goes through the
 * whole core before the service is ready (warm-up), so the first real one is not the slow one.
 */
@Startup
@Singleton
public class ImagingEngine {
    private final ImageProcessor processor;
    private final ExecutorService renderPool;
    private final BackgroundWork background;
    private final String failure;

    ImagingEngine(PreprocessorConfig config) {
        int threads = config.renderThreads().orElse(Runtime.getRuntime().availableProcessors());
        ExecutorService pool = threads > 0 ? Executors.newFixedThreadPool(threads, renderThreadFactory()) : null;
        ImageProcessor created = null;
        String why = null;
        try {
            created = new ImageProcessor(config.imagingOptions(), pool);
            Log.infof("libvips %s ready: %d thread(s) per image, %d image(s) at once, %d render thread(s), the "
                            + "complete stage at nice %d, default renditions %s, webp effort %d", Vips.version(),
                    Vips.concurrency(), config.workers(), threads, config.completeStageNice(), config.renditions(),
                    config.webpEffort());
            if (Vips.warning() != null) {
                Log.warn(Vips.warning());
            }
            if (config.warmUp()) {
                warmUp(created, config);
            }
        } catch (VipsUnavailableException e) {
            why = e.getMessage();
            Log.errorf("libvips is not available, no photo can be processed: %s", why);
        }
        this.processor = created;
        this.renderPool = pool;
        this.background = new BackgroundWork(config.workers(), config.completeStageNice());
        this.failure = why;
    }

    private static java.util.concurrent.ThreadFactory renderThreadFactory() {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "imgboard-render-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Two passes over a generated 640×480 JPEG with the default renditions: libvips modules load, the JIT sees the path. */
    private static void warmUp(ImageProcessor processor, PreprocessorConfig config) {
        long start = System.nanoTime();
        try {
            byte[] jpeg = sampleJpeg();
            for (int pass = 0; pass < 2; pass++) {
                ProcessedImage image = processor.process(jpeg, config.renditions());
                if (image.renditions().isEmpty()) {
                    throw new IllegalStateException("no rendition came out");
                }
            }
            Log.infof("imaging warmed up in %d ms", (System.nanoTime() - start) / 1_000_000);
        } catch (Exception e) {
            // A failed warm-up costs only the first photo's speed; that photo will say what is wrong.
            Log.warnf("imaging warm-up failed (the first photo will be slower): %s", e.toString());
        }
    }

    static byte[] sampleJpeg() throws IOException {
        BufferedImage image = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, (x * 255 / image.getWidth()) << 16 | (y * 255 / image.getHeight()) << 8 | (x ^ y) & 0xFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpeg", out)) {
            throw new IOException("no JPEG writer in this JVM");
        }
        return out.toByteArray();
    }

    @PreDestroy
    void stop() {
        if (renderPool != null) {
            renderPool.shutdown();
        }
        background.close();
    }

    /** Where a photo's complete stage is made: threads at background priority. */
    BackgroundWork background() {
        return background;
    }

    /** The core; throws {@link VipsUnavailableException} when libvips could not be loaded. */
    public ImageProcessor processor() {
        if (processor == null) {
            throw new VipsUnavailableException(failure);
        }
        return processor;
    }

    /** Why libvips is not available, if it is not. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    /** Why the loaded libvips is Debian's although another build was asked for, if it is. */
    public Optional<String> warning() {
        return processor == null ? Optional.empty() : Optional.ofNullable(Vips.warning());
    }

    /** The loaded libvips version, if any. */
    public Optional<String> libvipsVersion() {
        return processor == null ? Optional.empty() : Optional.of(Vips.version());
    }
}
