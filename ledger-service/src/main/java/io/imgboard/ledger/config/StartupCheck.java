package io.imgboard.ledger.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.Optional;

/**
 * Refuses to start without a usable service token, with a message naming the setting and its
 * environment variable; better than a ledger whose writes anyone on the network may call. Quarkus
 * prints a {@link ConfigurationException}'s message without a stack trace.
 */
@ApplicationScoped
public class StartupCheck {
    private final ServiceTokenConfig service;

    StartupCheck(ServiceTokenConfig service) {
        this.service = service;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        problem(service.token()).ifPresent(problem -> {
            throw new ConfigurationException("ledger-service cannot start: " + problem);
        });
    }

    /** What is wrong with the token, for a person to fix; empty when it is usable. */
    static Optional<String> problem(Optional<String> token) {
        String t = token.map(String::strip).orElse("");
        if (t.isEmpty()) {
            return Optional.of("no service token: set IMGBOARD_SERVICE_TOKEN (imgboard.service.token) to a random secret"
                    + " of at least " + ServiceTokenConfig.MIN_LENGTH + " characters (./imgboard up generates one)");
        }
        if (t.length() < ServiceTokenConfig.MIN_LENGTH) {
            return Optional.of("the service token IMGBOARD_SERVICE_TOKEN (imgboard.service.token) has " + t.length()
                    + " characters; it needs at least " + ServiceTokenConfig.MIN_LENGTH);
        }
        return Optional.empty();
    }
}
