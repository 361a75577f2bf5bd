package io.imgboard.display.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.util.Map;

/**
 * Settings that were renamed stop start-up, naming the new one. Left in place they would be ignored
 * without a word (an environment variable under {@code imgboard.admin} matches no property and is not
 * reported), and the one here decides who a caller is: unread, every caller behind a proxy on this host
 * would be loopback, which {@code imgboard.admin.allowed-networks} admits.
 */
@Startup
@ApplicationScoped
class RenamedSettings {
    static final Map<String, String> RENAMED = Map.of(
            "imgboard.admin.trusted-proxies", "imgboard.auth.trusted-proxies (IMGBOARD_AUTH_TRUSTED_PROXIES), which ingest reads too");

    RenamedSettings(Config config) {
        refuse(config);
    }

    static void refuse(Config config) {
        RENAMED.forEach((old, now) -> {
            if (config.getOptionalValue(old, String.class).isPresent()) {
                throw new ConfigurationException("display-service cannot start: " + old + " (" + old.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
                        + ") is now " + now + ": rename it");
            }
        });
    }
}
