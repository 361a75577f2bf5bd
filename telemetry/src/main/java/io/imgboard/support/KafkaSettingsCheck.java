package io.imgboard.support;

import io.imgboard.events.SessionTimeout;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Stops every service's start when {@code IMGBOARD_KAFKA_SESSION_TIMEOUT_MS} is one the broker will refuse
 * ({@link SessionTimeout}): before, a value outside the broker's range left the service ready but never in its
 * consumer group, and a non-number stopped it with the Kafka client's stack trace. Runs before the messaging
 * connectors make their consumers (their start-up observer has priority 1000), as one line (Quarkus prints a
 * {@link ConfigurationException}'s message without a trace, exit code 1).
 */
@ApplicationScoped
class KafkaSettingsCheck {

    void onStart(@Observes @Priority(0) StartupEvent event) {
        var config = ConfigProvider.getConfig();
        String service = config.getOptionalValue("quarkus.application.name", String.class).orElse("img-board");
        SessionTimeout.problem(config.getOptionalValue(SessionTimeout.PROPERTY, String.class).orElse(null))
                .ifPresent(problem -> {
                    throw new ConfigurationException(service + " cannot start: " + problem);
                });
    }
}
