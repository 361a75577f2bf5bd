package io.imgboard.display.health;

import io.imgboard.display.storage.RenditionStore;
import io.imgboard.display.storage.StorageUnavailableException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when S3 answers with these credentials and the renditions bucket exists. */
@Readiness
class StorageReadiness implements HealthCheck {
    private final RenditionStore store;

    StorageReadiness(RenditionStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("s3").withData("bucket", store.bucket());
        try {
            if (store.bucketExists()) {
                return response.up().build();
            }
            return response.down().withData("error", "bucket does not exist (the preprocessor creates it)").build();
        } catch (StorageUnavailableException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }
}
