package io.imgboard.display.messaging;

import io.imgboard.display.service.Settings;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Knows when this instance has read {@code imgboard.settings} up to where it ended at start-up, so
 * the first settings change after a restart merges onto the saved settings instead of the defaults
 * ({@link Settings#markLoaded}; writers wait for it).
 */
@ApplicationScoped
@Identifier(Channels.SETTINGS_LOADING)
class SettingsLoading extends ReadToStartupEnd {
    private final Settings settings;

    SettingsLoading(Settings settings) {
        this.settings = settings;
    }

    @Override
    protected boolean isLoaded() {
        return settings.isLoaded();
    }

    @Override
    protected void markLoaded() {
        settings.markLoaded();
    }
}
