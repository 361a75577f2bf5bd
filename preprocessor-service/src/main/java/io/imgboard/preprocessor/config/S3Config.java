package io.imgboard.preprocessor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** {@code imgboard.s3.*}: where originals are read and renditions written (docs/conventions.md). */
@ConfigMapping(prefix = "imgboard.s3")
public interface S3Config {

    @WithDefault("http://127.0.0.1:9000")
    String endpoint();

    /** No default: a deployment must say (IMGBOARD_S3_ACCESS_KEY). */
    Optional<String> accessKey();

    /** No default: a deployment must say (IMGBOARD_S3_SECRET_KEY). */
    Optional<String> secretKey();

    /** Set so the client skips the bucket-location call. */
    @WithDefault("us-east-1")
    String region();

    @WithDefault("imgboard-originals")
    String originalsBucket();

    @WithDefault("imgboard-renditions")
    String renditionsBucket();
}
