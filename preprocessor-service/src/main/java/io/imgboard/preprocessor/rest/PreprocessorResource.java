package io.imgboard.preprocessor.rest;

import io.imgboard.preprocessor.config.PreprocessorConfig;
import io.imgboard.preprocessor.imaging.RenditionSize;
import io.imgboard.preprocessor.service.ImagingEngine;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.List;

/** What this preprocessor does, for the ops page. */
@Path("/api/v1/preprocessor")
@Produces(MediaType.APPLICATION_JSON)
public class PreprocessorResource {
    private final ImagingEngine engine;
    private final PreprocessorConfig config;

    PreprocessorResource(ImagingEngine engine, PreprocessorConfig config) {
        this.engine = engine;
        this.config = config;
    }

    /** The settings in force. */
    public record Settings(String libvips, String libvipsError, String libvipsWarning, List<RenditionSize> renditions,
                           int workers, int vipsConcurrency, int webpEffort, long maxPixels, long maxBytes) {
    }

    @GET
    public Settings settings() {
        return new Settings(engine.libvipsVersion().orElse(null), engine.failure().orElse(null),
                engine.warning().orElse(null), config.renditions(), config.workers(), config.vipsConcurrency(),
                config.webpEffort(), config.maxPixels(), config.maxBytes());
    }
}
