package io.imgboard.display.support;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.UUID;

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
