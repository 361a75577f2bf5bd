package io.imgboard.display.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything under {@code imgboard.*} the display reads. Non-secret defaults live here; the S3
 * credentials have none, so a service started without them stops at once naming the missing key
 * instead of failing on the first request.
 */
@ConfigMapping(prefix = "imgboard")
public interface DisplayConfig {

    S3 s3();

    Display display();

    /** The ledger ({@code imgboard.ledger.url}), asked for failures and stats by the admin and ops pages. */
    Ledger ledger();

    /** The ingest service ({@code imgboard.ingest.url}), asked for upload rejections and its health. */
    Ingest ingest();

    /** The preprocessor ({@code imgboard.preprocessor.url}), asked for its health. */
    Preprocessor preprocessor();

    Upload upload();

    interface Ledger {
        @WithDefault("http://127.0.0.1:8082")
        URI url();
    }

    interface Ingest {
        @WithDefault("http://127.0.0.1:8081")
        URI url();
    }

    interface Preprocessor {
        @WithDefault("http://127.0.0.1:8083")
        URI url();
    }

    interface Upload {
        /**
         * The bearer token ingest wants for {@code /api/v1/uploads/rejections}. Optional here: without
         * it the admin page says "not configured" instead of showing rejections.
         */
        Optional<String> token();
    }

    interface S3 {
        @WithDefault("http://127.0.0.1:9000")
        String endpoint();

        String accessKey();

        String secretKey();

        /** Set so the client never asks the server for the bucket's location. */
        @WithDefault("us-east-1")
        String region();

        @WithDefault("imgboard-renditions")
        String renditionsBucket();
    }

    interface Display {
        /** How often an SSE stream carries an {@code event: ping}, so proxies and frames know it is alive. */
        @WithDefault("20s")
        Duration heartbeat();

        /** The {@code retry:} a frame's EventSource waits before reconnecting. */
        @WithDefault("5s")
        Duration reconnectDelay();

        /** Events a slow SSE client may fall behind by before its stream is closed (it reconnects and gets the playlist). */
        @WithDefault("1024")
        int clientBuffer();

        /**
         * How long a new instance holds back the first playlist while it reads the catalog from the
         * beginning. After that it serves what it has, so a broker outage never blanks frames forever.
         */
        @WithDefault("30s")
        Duration catalogLoadTimeout();

        /** How long the admin and ops pages wait for another service. */
        @WithDefault("5s")
        Duration upstreamTimeout();
    }
}
