package io.imgboard.ingest.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** Where the originals live. The credentials have no default: {@link StartupCheck} refuses to start without them. */
@ConfigMapping(prefix = "imgboard.s3")
public interface S3Config {

    @WithDefault("http://127.0.0.1:9000")
    String endpoint();

    /** {@code IMGBOARD_S3_ACCESS_KEY}. */
    Optional<String> accessKey();

    /** {@code IMGBOARD_S3_SECRET_KEY}. */
    Optional<String> secretKey();

    /** Set, so the client never asks the server for the bucket's location. */
    @WithDefault("us-east-1")
    String region();

    @WithDefault("imgboard-originals")
    String originalsBucket();
}
