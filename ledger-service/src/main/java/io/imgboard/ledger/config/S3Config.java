package io.imgboard.ledger.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/**
 * The S3 buckets the ledger deletes from (renditions of a deleted photo, an original nobody refers
 * to). Without credentials deletions wait in {@code object_deletion} and readiness stays up: the
 * ledger's truth does not depend on S3.
 */
@ConfigMapping(prefix = "imgboard.s3")
public interface S3Config {

    @WithDefault("http://127.0.0.1:9000")
    String endpoint();

    /** {@code IMGBOARD_S3_ACCESS_KEY}. */
    Optional<String> accessKey();

    /** {@code IMGBOARD_S3_SECRET_KEY}. */
    Optional<String> secretKey();

    @WithDefault("us-east-1")
    String region();

    @WithDefault("imgboard-originals")
    String originalsBucket();

    @WithDefault("imgboard-renditions")
    String renditionsBucket();
}
