package io.imgboard.display.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RenamedSettingsTest {
    @Test
    void theOldTrustedProxiesSettingStopsStartUpNamingTheNewOne() {
        var old = new SmallRyeConfigBuilder().withSources(
                new PropertiesConfigSource(Map.of("imgboard.admin.trusted-proxies", "127.0.0.1"), "env", 300)).build();
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> RenamedSettings.refuse(old));
        assertEquals("display-service cannot start: imgboard.admin.trusted-proxies (IMGBOARD_ADMIN_TRUSTED_PROXIES) is now imgboard.auth.trusted-proxies "
                + "(IMGBOARD_AUTH_TRUSTED_PROXIES), which ingest reads too: rename it", e.getMessage());
        RenamedSettings.refuse(new SmallRyeConfigBuilder().withSources(
                new PropertiesConfigSource(Map.of("imgboard.auth.trusted-proxies", "127.0.0.1"), "env", 300)).build());
    }
}
