package io.imgboard.ingest.config;

import io.imgboard.support.Tokens;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

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

    StartupCheck(UploadConfig upload, AdminConfig admin, S3Config s3) {
        this.upload = upload;
        this.admin = admin;
        this.s3 = s3;
    }

    void onStart(@Observes @Priority(1) StartupEvent event) {
        requireValid(upload, admin, s3);
    }

    /**
     * For beans built before the start-up event (the HTTP filters are set up earlier), so the first
     * one to need a secret fails with this message rather than its own.
     *
     * @throws ConfigurationException naming everything that is missing
     */
    public static void requireValid(UploadConfig upload, AdminConfig admin, S3Config s3) {
        List<String> problems = problems(upload.token(), admin.token(), s3.accessKey(), s3.secretKey());
        if (!problems.isEmpty()) {
            throw new ConfigurationException("ingest-service cannot start: " + String.join("; ", problems));
        }
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
