package io.imgboard.preprocessor.health;

import io.imgboard.preprocessor.service.ImagingEngine;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when libvips loaded: without it no photo can be processed. Ready with a {@code warning} when it
 * runs on Debian's libvips because the build asked for could not be loaded (the ops page shows it).
 */
@Readiness
@ApplicationScoped
public class LibvipsReadiness implements HealthCheck {
    private final ImagingEngine engine;

    LibvipsReadiness(ImagingEngine engine) {
        this.engine = engine;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("libvips");
        engine.warning().ifPresent(warning -> response.withData("warning", warning));
        return engine.libvipsVersion()
                .map(version -> response.up().withData("version", version))
                .orElseGet(() -> response.down().withData("error", engine.failure().orElse("not loaded")))
                .build();
    }
}
