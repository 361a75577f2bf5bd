package io.imgboard.display.config;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/**
 * {@code imgboard.admin.*}: who may use the admin and ops APIs.
 *
 * <ul>
 *   <li>{@code token} ({@code IMGBOARD_ADMIN_TOKEN}): the bearer token the admin and ops APIs require.
 *       It never falls back to the upload token; without it those APIs answer 503 (and the img-board
 *       compatible admin routes 403), so a deployment without one is visibly unfinished, not open.</li>
 *   <li>{@code allowed-networks} ({@code IMGBOARD_ADMIN_ALLOWED_NETWORKS}, comma-separated CIDRs or
 *       single addresses, off by default): callers from these networks, and then loopback too, may use
 *       the img-board compatible admin routes ({@code /api/admin/*}) without the token, as img-board's
 *       {@code admin.allowedIPs} users expect. (The admin page itself is open to every browser: it holds
 *       no data and asks for the token.)</li>
 * </ul>
 * A caller's address is {@link io.imgboard.support.ClientAddress}'s ({@code imgboard.auth.trusted-proxies});
 * the former {@code imgboard.admin.trusted-proxies} stops start-up ({@link RenamedSettings}).
 */
@ConfigMapping(prefix = "imgboard.admin")
public interface AdminConfig {
    Optional<String> token();

    Optional<List<String>> allowedNetworks();
}
