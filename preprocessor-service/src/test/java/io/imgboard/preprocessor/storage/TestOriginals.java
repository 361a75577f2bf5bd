package io.imgboard.preprocessor.storage;

import io.imgboard.infra.LocalInfra;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/** Originals stored as ingest stores them, for tests that send the preprocessor a request. */
public final class TestOriginals {
    private TestOriginals() {
    }

    /** Stores {@code bytes} under {@code originals/<sha256 prefix>/<sha256>} in the originals bucket; returns that key. */
    public static String put(MinioClient s3, byte[] bytes) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        String key = "originals/" + sha.substring(0, 2) + "/" + sha;
        s3.putObject(PutObjectArgs.builder().bucket(LocalInfra.ORIGINALS_BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        return key;
    }

    /** The sha256 a key made by {@link #put} names. */
    public static String sha(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }
}
