package io.imgboard.preprocessor.service;

import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.imgboard.preprocessor.imaging.ImageProcessor;
import io.imgboard.preprocessor.imaging.vips.Vips;
import io.imgboard.preprocessor.imaging.vips.VipsUnavailableException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.util.Optional;

/**
 * The imaging core, built from configuration at start-up. When libvips cannot be loaded the
 * service still starts, says why in the log and in readiness, and answers requests with a
 * retryable failure rather than blaming the photos.
 */
@Startup
@Singleton
public class ImagingEngine {
    private final ImageProcessor processor;
    private final String failure;

    ImagingEngine(PreprocessorConfig config) {
        ImageProcessor created = null;
        String why = null;
        try {
            created = new ImageProcessor(config.imagingOptions());
            Log.infof("libvips %s ready: %d thread(s) per image, %d image(s) at once, default renditions %s, "
                            + "webp effort %d", Vips.version(), Vips.concurrency(), config.workers(),
                    config.renditions(), config.webpEffort());
        } catch (VipsUnavailableException e) {
            why = e.getMessage();
            Log.errorf("libvips is not available, no photo can be processed: %s", why);
        }
        this.processor = created;
        this.failure = why;
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

    /** The loaded libvips version, if any. */
    public Optional<String> libvipsVersion() {
        return processor == null ? Optional.empty() : Optional.of(Vips.version());
    }
}
