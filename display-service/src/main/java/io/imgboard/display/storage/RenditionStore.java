package io.imgboard.display.storage;

import io.imgboard.display.config.S3Config;
import io.imgboard.events.Rendition;
import io.imgboard.support.S3Clients;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Read-only access to the renditions bucket. The preprocessor writes it (and creates it); the
 * display only streams objects out. Every call blocks: call it from a worker thread.
 */
@Startup
@ApplicationScoped
public class RenditionStore {
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchObject", "ResourceNotFound");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(30);

    private final MinioClient client;
    private final String bucket;

    RenditionStore(S3Config s3) {
        this.bucket = s3.renditionsBucket();
        // okhttp's defaults would let a hung S3 server hold a request thread for minutes.
        this.client = S3Clients.create(s3.endpoint(), s3.accessKey(), s3.secretKey(), s3.region(), CONNECT_TIMEOUT,
                TRANSFER_TIMEOUT);
        Log.infof("renditions from bucket %s at %s", bucket, s3.endpoint());
    }

    /** Size and ETag of a rendition, without its bytes; empty when there is no such object. */
    public Optional<RenditionInfo> stat(UUID photoId, String rendition) {
        String key = Rendition.keyFor(photoId, rendition);
        try {
            StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return Optional.of(new RenditionInfo(RenditionInfo.strongEtag(stat.etag()), stat.size(),
                    stat.lastModified() == null ? null : stat.lastModified().toInstant()));
        } catch (ErrorResponseException e) {
            if (NOT_FOUND.contains(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw unavailable("stat", key, e);
        } catch (Exception e) {
            throw unavailable("stat", key, e);
        }
    }

    /** The rendition's bytes as a stream the caller must close; empty when there is no such object. */
    public Optional<RenditionObject> open(UUID photoId, String rendition) {
        return open(photoId, rendition, -1, -1);
    }

    /**
     * Bytes {@code offset} to {@code offset + length - 1} of a rendition (the whole object when
     * {@code offset} is negative); the info's size is then the size of that part.
     */
    public Optional<RenditionObject> open(UUID photoId, String rendition, long offset, long length) {
        String key = Rendition.keyFor(photoId, rendition);
        try {
            GetObjectArgs.Builder args = GetObjectArgs.builder().bucket(bucket).object(key);
            if (offset >= 0) {
                args.offset(offset).length(length);
            }
            GetObjectResponse response = client.getObject(args.build());
            String etag = response.headers().get("ETag");
            String contentLength = response.headers().get("Content-Length");
            long size = contentLength == null ? -1 : Long.parseLong(contentLength);
            java.util.Date modified = response.headers().getDate("Last-Modified");
            return Optional.of(new RenditionObject(new RenditionInfo(RenditionInfo.strongEtag(etag), size,
                    modified == null ? null : modified.toInstant()), response));
        } catch (ErrorResponseException e) {
            if (NOT_FOUND.contains(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw unavailable("get", key, e);
        } catch (Exception e) {
            throw unavailable("get", key, e);
        }
    }

    /** For readiness: the bucket is there and the credentials work. */
    public boolean bucketExists() {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw unavailable("check bucket", bucket, e);
        }
    }

    public String bucket() {
        return bucket;
    }

    @PreDestroy
    void close() {
        try {
            client.close();
        } catch (Exception e) {
            Log.debugf("closing the S3 client: %s", e.getMessage());
        }
    }

    private static StorageUnavailableException unavailable(String what, String key, Exception cause) {
        String reason = cause instanceof ErrorResponseException error
                ? error.errorResponse().code() + ": " + error.errorResponse().message()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return new StorageUnavailableException("S3 " + what + " " + key + " failed: " + reason, cause);
    }
}
