package io.imgboard.display.health;

import io.imgboard.display.service.Playlist;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the catalog has been read to where it ended at start-up, so a load balancer does not
 * send frames to an instance that would hand them a half-built playlist. (The Kafka connection
 * itself is checked by the messaging extension's own readiness check.)
 */
@Readiness
class CatalogReadiness implements HealthCheck {
    private final Playlist playlist;

    CatalogReadiness(Playlist playlist) {
        this.playlist = playlist;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("catalog")
                .status(playlist.isLoaded())
                .withData("photos", playlist.size())
                .build();
    }
}
