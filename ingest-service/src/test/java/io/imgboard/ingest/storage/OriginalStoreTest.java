package io.imgboard.ingest.storage;

import io.imgboard.ingest.TestImages;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;
import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store against the real S3 server, in a bucket of its own that does not exist yet. A
 * {@code @QuarkusTest} only so that it shares the servers the other tests use (one set per class loader).
 */
@QuarkusTest
class OriginalStoreTest {
    private static Endpoints endpoints;
    private static MinioClient s3;

    @BeforeAll
    static void connect() {
        endpoints = LocalInfraResource.shared().endpoints();
        s3 = MinioClient.builder().endpoint(endpoints.s3Endpoint())
                .credentials(endpoints.s3AccessKey(), endpoints.s3SecretKey()).region("us-east-1").build();
    }

    @AfterAll
    static void disconnect() throws Exception {
        s3.close();
    }

    private static OriginalStore store(String bucket, String endpoint) {
        return TestStores.at(endpoint, bucket);
    }

    @Test
    void createsTheBucketWhenMissingAndStoresEachContentOnce(@TempDir Path dir) throws Exception {
        String bucket = "originals-" + UUID.randomUUID().toString().substring(0, 8);
        OriginalStore store = store(bucket, endpoints.s3Endpoint());
        assertFalse(s3.bucketExists(BucketExistsArgs.builder().bucket(bucket).build()));

        store.ensureBucket();
        assertTrue(store.bucketExists());

        byte[] jpeg = TestImages.jpeg(42);
        String sha = TestImages.sha256(jpeg);
        Path file = Files.write(dir.resolve("spool"), jpeg);
        assertTrue(store.storeIfAbsent(sha, file, jpeg.length, "image/jpeg"), "first time: stored");
        assertFalse(store.storeIfAbsent(sha, file, jpeg.length, "image/jpeg"), "second time: already there");

        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(OriginalStore.keyFor(sha)).build())) {
            assertArrayEquals(jpeg, in.readAllBytes());
        }
    }

    /**
     * A file gone (or no longer a regular file) between its reading and its sending is the file's fault:
     * not "storage unavailable", which a folder source would retry forever. The store stays usable.
     */
    @Test
    void aFileGoneBeforeItIsSentIsNoStorageFailure(@TempDir Path dir) throws Exception {
        OriginalStore store = store("originals-" + UUID.randomUUID().toString().substring(0, 8), endpoints.s3Endpoint());
        byte[] jpeg = TestImages.jpeg(88201);
        String sha = TestImages.sha256(jpeg);

        java.io.UncheckedIOException gone = assertThrows(java.io.UncheckedIOException.class,
                () -> store.storeIfAbsent(sha, dir.resolve("gone.jpg"), jpeg.length, "image/jpeg"));
        assertTrue(gone.getMessage().contains("not a regular file"), gone.getMessage());
        assertThrows(java.io.UncheckedIOException.class,
                () -> store.storeIfAbsent(sha, Files.createDirectory(dir.resolve("a-folder.jpg")), jpeg.length, "image/jpeg"));

        assertTrue(store.storeIfAbsent(sha, Files.write(dir.resolve("back.jpg"), jpeg), jpeg.length, "image/jpeg"));
    }

    /**
     * A file larger than the S3 server takes in one signed PUT (s3proxy: 128 MiB, what {@code up} runs)
     * is stored in parts and reads back whole.
     */
    @Test
    void aFileLargerThanOnePutTakesIsStoredInParts(@TempDir Path dir) throws Exception {
        String bucket = "originals-" + UUID.randomUUID().toString().substring(0, 8);
        OriginalStore store = store(bucket, endpoints.s3Endpoint());
        Path file = dir.resolve("video.mov");
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        java.util.Random random = new java.util.Random(136);
        byte[] block = new byte[1024 * 1024];
        try (var out = Files.newOutputStream(file)) {
            for (int i = 0; i < 136; i++) {
                random.nextBytes(block);
                sha.update(block);
                out.write(block);
            }
        }
        String sha256 = java.util.HexFormat.of().formatHex(sha.digest());
        long size = Files.size(file);
        assertTrue(size > 128L * 1024 * 1024 && size > OriginalStore.PART_SIZE);

        assertTrue(store.storeIfAbsent(sha256, file, size, "video/quicktime"));
        java.security.MessageDigest back = java.security.MessageDigest.getInstance("SHA-256");
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(OriginalStore.keyFor(sha256)).build())) {
            for (int n = in.read(block); n >= 0; n = in.read(block)) {
                back.update(block, 0, n);
            }
        }
        assertEquals(sha256, java.util.HexFormat.of().formatHex(back.digest()), "read back whole");
    }

    /**
     * The same bytes sent several times at once (a phone retrying while its first upload is still being
     * stored) are stored once: one call says stored, the others already there. Without the wait for the
     * store in progress each of them found no object yet and answered stored.
     */
    @Test
    void theSameBytesStoredSeveralTimesAtOnceAreStoredOnce(@TempDir Path dir) throws Exception {
        String bucket = "originals-" + UUID.randomUUID().toString().substring(0, 8);
        OriginalStore store = store(bucket, endpoints.s3Endpoint());
        store.ensureBucket();
        byte[] bytes = new byte[4 * 1024 * 1024]; // a few ms to PUT, so the calls overlap
        new java.util.Random(4).nextBytes(bytes);
        String sha = TestImages.sha256(bytes);
        Path file = Files.write(dir.resolve("spool"), bytes);

        int callers = 6;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            java.util.List<java.util.concurrent.Future<Boolean>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < callers; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return store.storeIfAbsent(sha, file, bytes.length, "image/jpeg");
                }));
            }
            go.countDown();
            int stored = 0;
            for (java.util.concurrent.Future<Boolean> call : calls) {
                stored += call.get(60, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(1, stored, "calls that said stored");
        } finally {
            pool.shutdownNow();
        }
        try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(bucket).object(OriginalStore.keyFor(sha)).build())) {
            assertArrayEquals(bytes, in.readAllBytes());
        }
    }

    @Test
    void theWarmUpsRoundTripReadsBackWhatItWroteAndLeavesTheBucketEmpty(@TempDir Path dir) throws Exception {
        String bucket = "originals-" + UUID.randomUUID().toString().substring(0, 8);
        OriginalStore store = store(bucket, endpoints.s3Endpoint());
        byte[] bytes = TestImages.jpeg(7);
        Path file = Files.write(dir.resolve("probe"), bytes);

        store.roundTrip(file, bytes.length);

        assertFalse(s3.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build()).iterator().hasNext(),
                "the round trip left an object");
        StorageException wrongSize = assertThrows(StorageException.class, () -> store.roundTrip(file, bytes.length + 1));
        assertTrue(wrongSize.getMessage().startsWith("read back " + bytes.length + " of the " + (bytes.length + 1)),
                wrongSize.getMessage());
        assertFalse(s3.listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build()).iterator().hasNext(),
                "a failed round trip left an object");
    }

    @Test
    void keyIsContentAddressed() {
        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assertEquals("originals/9f/" + sha, OriginalStore.keyFor(sha));
        assertThrows(IllegalArgumentException.class, () -> OriginalStore.keyFor("../../x"));
        assertThrows(IllegalArgumentException.class, () -> OriginalStore.keyFor(sha.toUpperCase()));
    }

    @Test
    void unreachableServerIsAStorageError() {
        OriginalStore store = store("imgboard-originals", "http://127.0.0.1:1");
        assertThrows(StorageException.class, store::bucketExists);
        assertThrows(StorageException.class, store::ensureBucket);
    }
}
