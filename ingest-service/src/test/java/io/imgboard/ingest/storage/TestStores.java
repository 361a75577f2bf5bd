package io.imgboard.ingest.storage;

import io.imgboard.ingest.config.S3Config;
import io.imgboard.infra.Endpoints;
import io.imgboard.infra.testing.LocalInfraResource;

import java.util.Optional;

/** Stores built outside CDI (the constructor is package-private), with the test S3 server's credentials. */
public final class TestStores {
    private TestStores() {
    }

    /** A store of {@code bucket} at {@code endpoint}: the test S3 server, or an address where nothing listens. */
    public static OriginalStore at(String endpoint, String bucket) {
        Endpoints endpoints = LocalInfraResource.shared().endpoints();
        return new OriginalStore(new S3Config() {
            public String endpoint() {
                return endpoint;
            }

            public Optional<String> accessKey() {
                return Optional.of(endpoints.s3AccessKey());
            }

            public Optional<String> secretKey() {
                return Optional.of(endpoints.s3SecretKey());
            }

            public String region() {
                return "us-east-1";
            }

            public String originalsBucket() {
                return bucket;
            }
        });
    }
}
