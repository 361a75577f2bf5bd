package io.imgboard.ledger.storage;

import io.imgboard.ledger.config.S3Config;
import io.imgboard.support.S3Clients;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;

/**
 * Deletes objects in the originals and renditions buckets; the only class that talks to the MinIO
 * client. The ledger deletes directly rather than asking ingest or the preprocessor through an event:
 * the event contract has no deletion request, and an S3 DELETE is idempotent, so a queue row in the
 * ledger's own database (see {@code ObjectDeletions}) gives the same "decided in the transaction,
 * done at least once" guarantee with nothing new on the wire.
 */
@ApplicationScoped
public class ObjectStore {
    private final MinioClient client;
    private final boolean configured;

    ObjectStore(S3Config config) {
        this.configured = config.accessKey().filter(k -> !k.isBlank()).isPresent()
                && config.secretKey().filter(k -> !k.isBlank()).isPresent();
        this.client = S3Clients.create(config.endpoint(), config.accessKey().orElse(""),
                config.secretKey().orElse(""), config.region(), Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    public boolean configured() {
        return configured;
    }

    /** Deletes the object; deleting one that does not exist succeeds (S3 semantics). */
    public void delete(String bucket, String key) {
        if (!configured) {
            throw new StorageException("no S3 credentials: set IMGBOARD_S3_ACCESS_KEY and IMGBOARD_S3_SECRET_KEY");
        }
        try {
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
        } catch (Exception e) {
            throw new StorageException("cannot delete " + bucket + "/" + key + ": " + e.getMessage(), e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        try {
            client.close();
        } catch (Exception e) {
            Log.debugf(e, "closing the MinIO client");
        }
    }
}
