package io.imgboard.display.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;

/** Where the other services are, for the admin and ops pages' server-side queries. */
public final class NeighboursConfig {
    private NeighboursConfig() {
    }

    /** {@code imgboard.ledger.url}: failures and stats. */
    @ConfigMapping(prefix = "imgboard.ledger")
    public interface Ledger {
        @WithDefault("http://127.0.0.1:8082")
        URI url();
    }

    /** {@code imgboard.ingest.url}: upload rejections and health. */
    @ConfigMapping(prefix = "imgboard.ingest")
    public interface Ingest {
        @WithDefault("http://127.0.0.1:8081")
        URI url();
    }

    /** {@code imgboard.preprocessor.url}: health. */
    @ConfigMapping(prefix = "imgboard.preprocessor")
    public interface Preprocessor {
        @WithDefault("http://127.0.0.1:8083")
        URI url();
    }
}
