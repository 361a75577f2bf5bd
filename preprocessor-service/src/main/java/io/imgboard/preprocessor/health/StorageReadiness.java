package io.imgboard.preprocessor.health;

import io.imgboard.preprocessor.storage.ObjectStore;
import io.imgboard.preprocessor.storage.StorageUnavailableException;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the S3 server answers and the renditions bucket is there. Kafka has its own check. */
@Readiness
@ApplicationScoped
public class StorageReadiness implements HealthCheck {
    private final ObjectStore store;

    StorageReadiness(ObjectStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("s3").withData("bucket", store.renditionsBucket());
        try {
            return store.renditionsBucketExists()
                    ? response.up().build()
                    : response.down().withData("error", "bucket missing").build();
        } catch (StorageUnavailableException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }
}
