package io.imgboard.preprocessor.storage;

import io.imgboard.preprocessor.config.S3Config;
import io.imgboard.support.S3Clients;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;

/** Originals in, renditions out, through the MinIO client. */
@Singleton
public class ObjectStore {
    private static final Set<String> MISSING = Set.of("NoSuchKey", "NoSuchObject");

    private final S3Config config;
    private final MinioClient client;
    private volatile boolean renditionsBucketChecked;

    public ObjectStore(S3Config config) {
        this.config = config;
        String accessKey = config.accessKey().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "imgboard.s3.access-key is not set: give the S3 access key in IMGBOARD_S3_ACCESS_KEY"));
        String secretKey = config.secretKey().filter(s -> !s.isBlank()).orElseThrow(() -> new IllegalStateException(
                "imgboard.s3.secret-key is not set: give the S3 secret key in IMGBOARD_S3_SECRET_KEY"));
        // The defaults wait minutes on a dead server; a worker thread should find out quickly.
        this.client = S3Clients.create(config.endpoint(), accessKey, secretKey, config.region(), Duration.ofSeconds(5),
                Duration.ofSeconds(60));
    }

    /** Creates the renditions bucket when missing; an S3 outage at start-up is retried before the first write. */
    void onStart(@Observes StartupEvent event) {
        try {
            ensureRenditionsBucket();
        } catch (StorageUnavailableException e) {
            Log.warnf("renditions bucket not checked at start-up, will retry before the first write: %s", e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        try {
            client.close();
        } catch (Exception e) {
            Log.debugf(e, "closing the S3 client");
        }
    }

    public String originalsBucket() {
        return config.originalsBucket();
    }

    public String renditionsBucket() {
        return config.renditionsBucket();
    }

    /** Size of an original in bytes. */
    public long originalSize(String key) throws MissingObjectException, StorageUnavailableException {
        try {
            return client.statObject(StatObjectArgs.builder().bucket(config.originalsBucket()).object(key).build()).size();
        } catch (Exception e) {
            throw translate(e, "stat", config.originalsBucket(), key);
        }
    }

    /** Streams an original into {@code target} (replacing it); never holds it in memory. */
    public void downloadOriginal(String key, Path target) throws MissingObjectException, StorageUnavailableException {
        try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(config.originalsBucket()).object(key).build())) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        } catch (Exception e) {
            throw translate(e, "download", config.originalsBucket(), key);
        }
    }

    /** Writes a rendition (overwriting: the same request twice writes the same object). */
    public void putRendition(String key, byte[] webp) throws StorageUnavailableException {
        ensureRenditionsBucket();
        try {
            client.putObject(PutObjectArgs.builder().bucket(config.renditionsBucket()).object(key)
                    .stream(new ByteArrayInputStream(webp), webp.length, -1)
                    .contentType("image/webp")
                    .build());
        } catch (Exception e) {
            throw unavailable(e, "upload", config.renditionsBucket(), key);
        }
    }

    /**
     * Writes {@code probe} to the renditions bucket under {@code key} as a rendition is written,
     * reads it back into {@code target} as an original is read, and deletes it: the S3 server's and
     * the client's write and read paths run once (the warm-up), and nothing stays in the bucket.
     */
    public void roundTrip(String key, byte[] probe, Path target) throws StorageUnavailableException {
        putRendition(key, probe);
        try {
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(config.renditionsBucket()).object(key).build())) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (Exception e) {
                throw unavailable(e, "download", config.renditionsBucket(), key);
            }
        } finally {
            try {
                client.removeObject(RemoveObjectArgs.builder().bucket(config.renditionsBucket()).object(key).build());
            } catch (Exception e) {
                Log.warnf("cannot delete %s from bucket %s: %s", key, config.renditionsBucket(), e.toString());
            }
        }
    }

    /** Size of a stored rendition, for checks. */
    public long renditionSize(String key) throws MissingObjectException, StorageUnavailableException {
        try {
            return client.statObject(StatObjectArgs.builder().bucket(config.renditionsBucket()).object(key).build()).size();
        } catch (Exception e) {
            throw translate(e, "stat", config.renditionsBucket(), key);
        }
    }

    /** A real request to the server: does the renditions bucket exist? */
    public boolean renditionsBucketExists() throws StorageUnavailableException {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(config.renditionsBucket()).build());
        } catch (Exception e) {
            throw unavailable(e, "check", config.renditionsBucket(), "");
        }
    }

    private void ensureRenditionsBucket() throws StorageUnavailableException {
        if (renditionsBucketChecked) {
            return;
        }
        String bucket = config.renditionsBucket();
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                Log.infof("created bucket %s", bucket);
            }
            renditionsBucketChecked = true;
        } catch (ErrorResponseException e) {
            if ("BucketAlreadyOwnedByYou".equals(e.errorResponse().code())
                    || "BucketAlreadyExists".equals(e.errorResponse().code())) {
                renditionsBucketChecked = true; // another instance made it first
                return;
            }
            throw unavailable(e, "create bucket", bucket, "");
        } catch (Exception e) {
            throw unavailable(e, "create bucket", bucket, "");
        }
    }

    /** Throws {@link MissingObjectException} for a missing object, else returns what to throw. */
    private static StorageUnavailableException translate(Exception e, String action, String bucket, String key)
            throws MissingObjectException {
        if (e instanceof ErrorResponseException response && MISSING.contains(response.errorResponse().code())) {
            throw new MissingObjectException("not in bucket " + bucket + ": " + key);
        }
        return unavailable(e, action, bucket, key);
    }

    private static StorageUnavailableException unavailable(Exception e, String action, String bucket, String key) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        String what = e instanceof ErrorResponseException response
                ? response.errorResponse().code() + " " + response.errorResponse().message()
                : e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return new StorageUnavailableException("S3 " + action + " " + bucket + "/" + key + " failed: " + what, e);
    }
}
