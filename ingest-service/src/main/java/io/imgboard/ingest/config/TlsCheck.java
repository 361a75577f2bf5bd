package io.imgboard.ingest.config;

import io.imgboard.support.TlsFiles;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Stops the start when HTTPS was asked for and cannot be served: one line naming the file and the
 * problem (Quarkus prints a {@link ConfigurationException}'s message without a trace, exit code 1).
 * Never falls back to plain HTTP when the operator asked for HTTPS.
 */
@ApplicationScoped
class TlsCheck {

    void onStart(@Observes @Priority(0) StartupEvent event) {
        TlsFiles.problem(TlsFiles.fromEnvironment()).ifPresent(problem -> {
            throw new ConfigurationException("ingest-service cannot start: " + problem);
        });
    }
}
