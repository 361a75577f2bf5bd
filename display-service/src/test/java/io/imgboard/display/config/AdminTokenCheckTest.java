package io.imgboard.display.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A guessable admin token stops the display's start; none at all leaves the admin side off, as before. */
class AdminTokenCheckTest {

    @Test
    void aShortAdminTokenStopsStartUp() {
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> new AdminTokenCheck(token("a")));
        assertTrue(refused.getMessage().contains("IMGBOARD_ADMIN_TOKEN") && refused.getMessage().contains("at least 16"),
                refused.getMessage());
        assertDoesNotThrow(() -> new AdminTokenCheck(token("0123456789abcdef")));
        assertDoesNotThrow(() -> new AdminTokenCheck(token(null)));
    }

    private static AdminConfig token(String token) {
        return (AdminConfig) Proxy.newProxyInstance(AdminConfig.class.getClassLoader(), new Class<?>[] {AdminConfig.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "token" -> Optional.ofNullable(token);
                    case "allowedNetworks" -> Optional.empty();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
