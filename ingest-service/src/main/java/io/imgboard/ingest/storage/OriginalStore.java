package io.imgboard.ingest.storage;

import io.imgboard.ingest.config.S3Config;
import io.imgboard.support.S3Clients;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The bucket of originals, content-addressed: an object's key is derived from the SHA-256 of its
 * bytes, so the same bytes are stored once however often they arrive. The only class that talks to
 * the MinIO client.
 */
@ApplicationScoped
public class OriginalStore {
    /**
     * Up to this size an original is one PUT (nearly every photo); larger ones are sent as a multipart
     * upload in parts of this size. S3 itself takes one PUT up to 5 GB, but S3 servers that check a
     * signed body hold it in memory first and refuse large ones (s3proxy, which {@code ./imgboard up}
     * runs: 128 MiB), so a video kept from WebDAV or a 120 MB panorama must go in parts.
     */
    static final long PART_SIZE = 16L * 1024 * 1024;
    /** The most parts S3 takes in one multipart upload. */
    private static final long MAX_PARTS = 10_000;
    /** Where {@link #roundTrip} writes; no original's key begins so. */
    private static final String WARM_UP_PREFIX = "warm-up/";
    private static final Set<String> NOT_FOUND = Set.of("NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound");

    private final MinioClient client;
    private final String bucket;
    private volatile boolean bucketConfirmed;
    /** The originals being stored in this process now, by key ({@link #storeIfAbsent}). */
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> storing = new ConcurrentHashMap<>();
    /** When each key was last stored or looked up here ({@link #deleteIfUnused} leaves those alone a while). */
    private final ConcurrentHashMap<String, Instant> touched = new ConcurrentHashMap<>();

    OriginalStore(S3Config config) {
        this.bucket = config.originalsBucket();
        // OkHttp's defaults wait minutes; an upload request should fail fast when S3 is down.
        this.client = S3Clients.create(config.endpoint(), config.accessKey().orElse(""),
                config.secretKey().orElse(""), config.region(), Duration.ofSeconds(5), Duration.ofSeconds(60));
    }

    /** {@code originals/<sha[0:2]>/<sha>} (conventions.md). */
    public static String keyFor(String sha256) {
        if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a lowercase hex SHA-256: " + sha256);
        }
        return "originals/" + sha256.substring(0, 2) + "/" + sha256;
    }

    public String bucket() {
        return bucket;
    }

    /**
     * Creates the bucket at start-up when it is missing. An unreachable S3 server does not stop the
     * service: readiness stays down and {@link #ensureBucket()} is tried again.
     */
    void onStart(@Observes StartupEvent event) {
        try {
            ensureBucket();
        } catch (StorageException e) {
            Log.warnf("S3 not ready at start-up (%s); readiness stays down until bucket %s is reachable",
                    e.getMessage(), bucket);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        try {
            client.close();
        } catch (Exception e) {
            Log.debugf(e, "closing the MinIO client");
        }
    }

    /** Makes sure the bucket exists, creating it when missing. Cheap once it has been seen. */
    public void ensureBucket() {
        if (bucketConfirmed) {
            return;
        }
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                try {
                    client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
                    Log.infof("created bucket %s", bucket);
                } catch (ErrorResponseException e) {
                    // another instance created it between our check and our create
                    if (!"BucketAlreadyOwnedByYou".equals(e.errorResponse().code())) {
                        throw e;
                    }
                }
            }
            bucketConfirmed = true;
        } catch (Exception e) {
            throw new StorageException("cannot reach bucket " + bucket + " at the S3 server: " + describe(e), e);
        }
    }

    /** Whether the bucket exists right now (a real request, for the readiness check). */
    public boolean bucketExists() {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw new StorageException("cannot reach the S3 server: " + describe(e), e);
        }
    }

    /**
     * Stores a file as the original with this SHA-256, unless an object is already there. Two calls for
     * the same bytes at once in this process (a phone sending a photo again while its first upload is
     * still being stored) store them once: the second waits for the first and is answered {@code false}
     * as the same bytes after it would be; when the first fails, the second tries on its own. Across
     * ingest instances the S3 server would have to decide ({@code If-None-Match: *}, which s3proxy does
     * not take), so there both may answer {@code true}; the ledger keeps one photo either way.
     *
     * @return {@code true} when stored now, {@code false} when it was already there
     * @throws StorageException     the S3 server did not answer or refused (may pass)
     * @throws UncheckedIOException the file is not there to send (gone, or not a regular file, since it was
     *                              read): a fault of the file, not of the storage
     */
    public boolean storeIfAbsent(String sha256, Path file, long size, String contentType) {
        ensureBucket();
        String key = keyFor(sha256);
        touched.put(key, Instant.now());
        while (true) {
            CompletableFuture<Boolean> mine = new CompletableFuture<>();
            CompletableFuture<Boolean> first = storing.putIfAbsent(key, mine);
            if (first != null) {
                try {
                    first.join();
                    return false;
                } catch (CompletionException | CancellationException e) {
                    continue; // the first failed; its error was its own caller's to report
                }
            }
            try {
                boolean stored = storeUnlessThere(key, file, size, contentType);
                storing.remove(key, mine);
                mine.complete(stored);
                return stored;
            } catch (RuntimeException | Error e) {
                storing.remove(key, mine);
                mine.completeExceptionally(e);
                throw e;
            }
        }
    }

    private boolean storeUnlessThere(String key, Path file, long size, String contentType) {
        try {
            if (exists(key)) {
                return false;
            }
            put(key, file, size, contentType);
            return true;
        } catch (StorageException | UncheckedIOException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException("cannot store " + key + " in bucket " + bucket + ": " + describe(e), e);
        }
    }

    private void put(String key, Path file, long size, String contentType) throws Exception {
        // From the file, not from a stream: MinIO's stream upload copies each part into the heap,
        // its file upload sends the file's bytes as they are read, with the length known up front.
        // One PUT up to a part's size; above it, parts. Either way nothing half-done stays: a failed
        // multipart upload is aborted by the client, and the object appears only when it is complete.
        long partSize = Math.max(PART_SIZE, (size + MAX_PARTS - 1) / MAX_PARTS);
        UploadObjectArgs.Builder args = UploadObjectArgs.builder().bucket(bucket).object(key).contentType(contentType);
        try {
            // The client checks the file by its name as text (not a regular file: IllegalArgumentException)
            // and opens it before any request is sent: those failures are the file's, not the storage's.
            client.uploadObject(args.filename(file.toString(), partSize).build());
        } catch (IllegalArgumentException | FileNotFoundException | NoSuchFileException e) {
            throw new UncheckedIOException(new IOException("cannot send " + file + ": " + e.getMessage(), e));
        }
    }

    /**
     * Stores a file under {@code warm-up/<random>} as an original is stored, reads it back as the
     * WebDAV target serves one, and deletes it: the S3 server's and the client's write and read paths
     * run once (the start-up warm-up), and nothing stays in the bucket.
     */
    public void roundTrip(Path file, long size) {
        ensureBucket();
        String key = WARM_UP_PREFIX + UUID.randomUUID();
        try {
            put(key, file, size, "application/octet-stream");
            long read;
            try (InputStream in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                read = in.transferTo(OutputStream.nullOutputStream());
            }
            if (read != size) {
                throw new StorageException("read back " + read + " of the " + size + " bytes written to " + key
                        + " in bucket " + bucket, null);
            }
        } catch (StorageException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException("cannot write and read " + key + " in bucket " + bucket + ": " + describe(e), e);
        } finally {
            try {
                client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            } catch (Exception e) {
                Log.warnf("cannot delete %s from bucket %s: %s", key, bucket, describe(e));
            }
        }
    }

    /**
     * Deletes the original with this SHA-256 when nothing uses it: not stored or asked for since {@code quietSince}
     * (a request that found it stored may not have recorded its file yet), not being stored now (that waits for this
     * and stores it again), and {@code unused} still says so. One ingest writes the bucket (its WebDAV locks are its
     * own too), so this process sees every store.
     *
     * @return what was done: deleted, left (in use), or not now (stored or asked for lately, or being stored)
     */
    public Release deleteIfUnused(String sha256, Instant quietSince, BooleanSupplier unused) {
        String key = keyFor(sha256);
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        if (storing.putIfAbsent(key, mine) != null) {
            return Release.NOT_NOW;
        }
        try {
            // looked at under the guard: a store that began before it touched the key already
            Instant last = touched.get(key);
            if (last != null && last.isAfter(quietSince)) {
                return Release.NOT_NOW;
            }
            if (!unused.getAsBoolean()) {
                return Release.IN_USE;
            }
            client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
            return Release.DELETED;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StorageException("cannot delete " + key + " from bucket " + bucket + ": " + describe(e), e);
        } finally {
            storing.remove(key, mine);
            // a store that waited for this looks again (its first.join() fails) and finds the object gone
            mine.completeExceptionally(new CancellationException("deleted as unused"));
        }
    }

    /** What {@link #deleteIfUnused} did. */
    public enum Release { DELETED, IN_USE, NOT_NOW }

    /** Forgets the stores and look-ups older than this (what {@link #deleteIfUnused} no longer asks about). */
    public void forgetTouchedBefore(Instant before) {
        touched.values().removeIf(at -> at.isBefore(before));
    }

    /** Whether the original with this SHA-256 is stored (one HEAD request). */
    public boolean isStored(String sha256) {
        ensureBucket();
        String key = keyFor(sha256);
        touched.put(key, Instant.now());
        try {
            return exists(key);
        } catch (Exception e) {
            throw new StorageException("cannot look up " + key + " in bucket " + bucket + ": " + describe(e), e);
        }
    }

    /**
     * The bytes of a stored original (the WebDAV target serves back what a client put); the caller
     * closes the stream.
     */
    public InputStream open(String sha256) {
        return open(sha256, null, null);
    }

    /**
     * {@code length} bytes of a stored original from {@code offset} on (a WebDAV range), or all of it when
     * both are null; the caller closes the stream.
     */
    public InputStream open(String sha256, Long offset, Long length) {
        String key = keyFor(sha256);
        try {
            return client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).offset(offset).length(length).build());
        } catch (Exception e) {
            throw new StorageException("cannot read " + key + " from bucket " + bucket + ": " + describe(e), e);
        }
    }

    private boolean exists(String key) throws Exception {
        try {
            client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if (NOT_FOUND.contains(e.errorResponse().code()) || e.response() != null && e.response().code() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static String describe(Exception e) {
        if (e instanceof ErrorResponseException error) {
            return error.errorResponse().code() + " " + error.errorResponse().message();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
}
