package io.imgboard.display.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code imgboard.s3.*}. The credentials have no defaults, so a service started without them stops
 * at once naming the missing key instead of failing on the first request.
 */
@ConfigMapping(prefix = "imgboard.s3")
public interface S3Config {
    @WithDefault("http://127.0.0.1:9000")
    String endpoint();

    String accessKey();

    String secretKey();

    /** Set so the client never asks the server for the bucket's location. */
    @WithDefault("us-east-1")
    String region();

    @WithDefault("imgboard-renditions")
    String renditionsBucket();

    /** Not used by the display; mapped so a configuration shared with ingest and the preprocessor is accepted. */
    @WithDefault("imgboard-originals")
    String originalsBucket();
}
