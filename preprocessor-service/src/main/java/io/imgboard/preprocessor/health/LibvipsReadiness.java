package io.imgboard.preprocessor.health;

import io.imgboard.preprocessor.service.ImagingEngine;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.Optional;

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
        return report(engine.libvipsVersion(), engine.warning(), engine.failure());
    }

    /** Up with the version (and the warning, if any) once libvips is loaded; down with why it is not. */
    static HealthCheckResponse report(Optional<String> version, Optional<String> warning, Optional<String> failure) {
        var response = HealthCheckResponse.named("libvips");
        warning.ifPresent(text -> response.withData("warning", text));
        return version.map(v -> response.up().withData("version", v))
                .orElseGet(() -> response.down().withData("error", failure.orElse("not loaded")))
                .build();
    }
}
