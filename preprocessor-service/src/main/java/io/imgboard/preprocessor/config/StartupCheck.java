package io.imgboard.preprocessor.config;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses to start on a setting the preprocessor cannot work with, in one line naming each variable, as ingest's
 * and the ledger's checks do (Quarkus prints a {@link ConfigurationException}'s message without a trace, exit
 * code 1). Before, each stopped the start with the stack trace of whichever bean met it first. Runs before the
 * messaging connectors and the beans that use these settings (priority 1).
 */
@ApplicationScoped
class StartupCheck {
    private final PreprocessorConfig config;
    private final S3Config s3;

    StartupCheck(PreprocessorConfig config, S3Config s3) {
        this.config = config;
        this.s3 = s3;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        List<String> problems = problems(config.workers(), config.requestsInHand(), config.vipsConcurrency(),
                config.webpEffort(), config.maxPixels(), config.maxBytes(), config.placeholderSize(),
                config.completeStagePatience(), config.completeStageNice(), s3.endpoint());
        if (!problems.isEmpty()) {
            throw new ConfigurationException("preprocessor-service cannot start: " + String.join("; ", problems));
        }
    }

    /** Everything wrong, for a person to fix; empty when the service can work. */
    static List<String> problems(int workers, int requestsInHand, int vipsConcurrency, int webpEffort, long maxPixels,
                                 long maxBytes, int placeholderSize, Duration patience, int nice, String s3Endpoint) {
        List<String> problems = new ArrayList<>();
        atLeast(problems, "workers", workers, 1);
        if (workers >= 1 && requestsInHand < workers) {
            problems.add(setting("requests-in-hand") + " is " + requestsInHand + ": give at least "
                    + setting("workers") + " (" + workers + ")");
        }
        atLeast(problems, "vips-concurrency", vipsConcurrency, 1);
        if (webpEffort < 0 || webpEffort > 6) {
            problems.add(setting("webp-effort") + " is " + webpEffort + ": give 0 to 6 (libwebp's effort)");
        }
        atLeast(problems, "max-pixels", maxPixels, 1);
        atLeast(problems, "max-bytes", maxBytes, 1);
        if (placeholderSize < 4 || placeholderSize > 64) {
            problems.add(setting("placeholder-size") + " is " + placeholderSize + ": give 4 to 64 (pixels)");
        }
        if (patience.isNegative() || patience.isZero()) {
            problems.add(setting("complete-stage-patience") + " is " + patience + ": give a positive duration, e.g. 60s");
        }
        if (nice < 0 || nice > 19) {
            problems.add(setting("complete-stage-nice") + " is " + nice + ": give 0 to 19");
        }
        String endpoint = endpointProblem(s3Endpoint);
        if (endpoint != null) {
            problems.add(endpoint);
        }
        return problems;
    }

    /** The S3 client needs a whole URL: {@code 127.0.0.1:9000} alone failed deep inside it. */
    static String endpointProblem(String endpoint) {
        String problem = "IMGBOARD_S3_ENDPOINT (imgboard.s3.endpoint) " + endpoint
                + " is not an http:// or https:// URL with a host, e.g. http://127.0.0.1:9000";
        try {
            URI uri = new URI(endpoint.strip());
            boolean web = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            return web && uri.getHost() != null ? null : problem;
        } catch (URISyntaxException e) {
            return problem;
        }
    }

    private static void atLeast(List<String> problems, String name, long value, long least) {
        if (value < least) {
            problems.add(setting(name) + " is " + value + ": give at least " + least);
        }
    }

    private static String setting(String name) {
        return "IMGBOARD_PREPROCESSOR_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_')
                + " (imgboard.preprocessor." + name + ")";
    }
}
