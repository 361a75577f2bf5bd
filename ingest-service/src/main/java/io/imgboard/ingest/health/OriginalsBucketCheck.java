package io.imgboard.ingest.health;

import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.StorageException;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Ready only when the originals bucket can be reached. Creating a missing bucket here as well means
 * a service started while S3 was still down becomes ready on its own once S3 is up.
 */
@Readiness
@ApplicationScoped
class OriginalsBucketCheck implements HealthCheck {
    private final OriginalStore store;

    OriginalsBucketCheck(OriginalStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("s3-originals-bucket").withData("bucket", store.bucket());
        try {
            store.ensureBucket();
            return store.bucketExists() ? response.up().build()
                    : response.down().withData("error", "bucket missing").build();
        } catch (StorageException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }
}
