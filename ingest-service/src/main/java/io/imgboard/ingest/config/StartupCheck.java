package io.imgboard.ingest.config;

import io.imgboard.ingest.service.SourceService;
import io.imgboard.support.Tokens;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.Config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Refuses to start when a secret is missing, with one message naming every missing setting and the
 * environment variable that sets it; better than a half-working service or a stack trace at the
 * first upload. Quarkus prints a {@link ConfigurationException}'s message alone, without a trace.
 */
@ApplicationScoped
public class StartupCheck {
    private final UploadConfig upload;
    private final AdminConfig admin;
    private final S3Config s3;

    private final Config config;

    StartupCheck(UploadConfig upload, AdminConfig admin, S3Config s3, Config config) {
        this.upload = upload;
        this.admin = admin;
        this.s3 = s3;
        this.config = config;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        requireValid(upload, admin, s3);
        SourceService.requireConfigured(config); // before the beans that need the database
    }

    /**
     * For beans built before the start-up event (the HTTP filters are set up earlier), so the first
     * one to need a secret fails with this message rather than its own.
     *
     * @throws ConfigurationException naming everything that is missing
     */
    public static void requireValid(UploadConfig upload, AdminConfig admin, S3Config s3) {
        List<String> problems = problems(upload.token(), admin.token(), s3.accessKey(), s3.secretKey());
        problems.addAll(limitProblems(upload.maxFiles(), upload.maxSize().asLongValue(), upload.maxInFlight(),
                upload.maxInFlightPerClient(), upload.spoolSize().map(MemorySize::asLongValue)));
        if (!problems.isEmpty()) {
            throw new ConfigurationException("ingest-service cannot start: " + String.join("; ", problems));
        }
    }

    /**
     * Upload limits that would refuse every upload (0 files a request, a 0-byte body, no request in flight, a 0-byte
     * spool), each naming its variable; empty when all are usable. Before, such a value started a service that
     * answered every upload 400, 413, 429 or 507.
     */
    static List<String> limitProblems(int maxFiles, long maxSize, int maxInFlight, int maxInFlightPerClient,
                                      Optional<Long> spoolSize) {
        List<String> problems = new ArrayList<>();
        if (maxFiles < 1) {
            problems.add(atLeastOne("IMGBOARD_UPLOAD_MAX_FILES (imgboard.upload.max-files)", maxFiles, "files a request"));
        }
        if (maxSize < 1) {
            problems.add(atLeastOne("IMGBOARD_UPLOAD_MAX_SIZE (imgboard.upload.max-size)", maxSize, "bytes, e.g. 200M"));
        }
        if (maxInFlight < 1) {
            problems.add(atLeastOne("IMGBOARD_UPLOAD_MAX_IN_FLIGHT (imgboard.upload.max-in-flight)", maxInFlight,
                    "uploads at once"));
        }
        if (maxInFlightPerClient < 1) {
            problems.add(atLeastOne("IMGBOARD_UPLOAD_MAX_IN_FLIGHT_PER_CLIENT (imgboard.upload.max-in-flight-per-client)",
                    maxInFlightPerClient, "uploads at once"));
        }
        if (spoolSize.isPresent() && spoolSize.get() < 1) {
            problems.add(atLeastOne("IMGBOARD_UPLOAD_SPOOL_SIZE (imgboard.upload.spool-size)", spoolSize.get(),
                    "bytes, e.g. 20G; unset it for no limit but the disk's"));
        }
        return problems;
    }

    private static String atLeastOne(String setting, long value, String unit) {
        return setting + " is " + value + ", so every upload would be refused: give at least 1 (" + unit + ")";
    }

    /** Everything wrong with the secrets, for a person to fix; empty when all is well. */
    static List<String> problems(Optional<String> token, Optional<String> adminToken, Optional<String> accessKey,
                                 Optional<String> secretKey) {
        List<String> problems = new ArrayList<>();
        String t = token.map(String::strip).orElse("");
        if (t.isEmpty()) {
            problems.add("no upload token: set IMGBOARD_UPLOAD_TOKEN (imgboard.upload.token) to a random secret of at least "
                    + UploadConfig.MIN_TOKEN_LENGTH + " characters");
        } else if (t.length() < UploadConfig.MIN_TOKEN_LENGTH) {
            problems.add("the upload token IMGBOARD_UPLOAD_TOKEN (imgboard.upload.token) has " + t.length()
                    + " characters; it needs at least " + UploadConfig.MIN_TOKEN_LENGTH);
        }
        String admin = Tokens.adminProblem(adminToken, token);
        if (admin != null) {
            problems.add(admin);
        }
        if (accessKey.map(String::isBlank).orElse(true)) {
            problems.add("no S3 access key: set IMGBOARD_S3_ACCESS_KEY (imgboard.s3.access-key)");
        }
        if (secretKey.map(String::isBlank).orElse(true)) {
            problems.add("no S3 secret key: set IMGBOARD_S3_SECRET_KEY (imgboard.s3.secret-key)");
        }
        return problems;
    }
}
