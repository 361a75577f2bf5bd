package io.imgboard.display.support;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Puts renditions into the real renditions bucket the way the preprocessor does. */
public final class Renditions {
    private Renditions() {
    }

    /** A real 64×48 WebP, made with {@code vips} (see src/test/resources/fixtures). */
    public static byte[] fixture() {
        try (InputStream in = Renditions.class.getResourceAsStream("/fixtures/orange-64x48.webp")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts {@code webp} as each of {@code renditions} of every photo, several at a time: the S3 server
     * writes each object durably, one after another that took up to a second apiece on a busy machine.
     */
    public static void putAll(Collection<UUID> photoIds, byte[] webp, String... renditions) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> puts = new ArrayList<>();
            for (UUID photoId : photoIds) {
                for (String rendition : renditions) {
                    puts.add(pool.submit(() -> {
                        put(photoId, rendition, webp);
                        return null;
                    }));
                }
            }
            for (Future<?> each : puts) {
                each.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    public static void put(UUID photoId, String rendition, byte[] webp) throws Exception {
        Config config = ConfigProvider.getConfig();
        try (MinioClient s3 = MinioClient.builder()
                .endpoint(config.getValue("imgboard.s3.endpoint", String.class))
                .credentials(config.getValue("imgboard.s3.access-key", String.class),
                        config.getValue("imgboard.s3.secret-key", String.class))
                .region("us-east-1")
                .build()) {
            s3.putObject(PutObjectArgs.builder().bucket("imgboard-renditions")
                    .object("renditions/" + photoId + "/" + rendition + ".webp")
                    .stream(new ByteArrayInputStream(webp), webp.length, -1)
                    .contentType("image/webp")
                    .build());
        }
    }
}
