package io.imgboard.display.service;

import io.imgboard.display.config.AdminConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Media of photos the frames do not show (hidden, pending, failed, retired) are served only on a grant
 * the admin listing hands out: the media URL with {@code &exp=<epoch seconds>&grant=<HMAC>}, the HMAC
 * keyed by the admin token, so every display behind a load balancer honours the others' grants and
 * nobody without the token can make one. A grant lasts 12 to 13 hours (its expiry is rounded to the
 * hour, so a listing asked again within the hour names the same URLs and the browser's cache holds).
 */
@ApplicationScoped
public class MediaGrants {
    static final Duration LASTS = Duration.ofHours(12);
    private static final String ALGORITHM = "HmacSHA256";

    private final Optional<SecretKeySpec> key;
    private final Clock clock;

    @Inject
    MediaGrants(AdminConfig admin) {
        this(admin.token(), Clock.systemUTC());
    }

    MediaGrants(Optional<String> adminToken, Clock clock) {
        this.key = adminToken.map(String::strip).filter(t -> !t.isEmpty())
                .map(t -> new SecretKeySpec(("imgboard media grant\n" + t).getBytes(StandardCharsets.UTF_8), ALGORITHM));
        this.clock = clock;
    }

    /** {@code url} (a {@link MediaPaths#url} of this photo and rendition) with a grant; as it is with no admin token. */
    public String grant(String url, UUID photoId, String rendition) {
        if (key.isEmpty()) {
            return url;
        }
        long hour = Duration.ofHours(1).toSeconds();
        long expires = (clock.instant().getEpochSecond() + LASTS.toSeconds()) / hour * hour + hour;
        return url + (url.contains("?") ? "&" : "?") + "exp=" + expires + "&grant=" + sign(photoId, rendition, expires);
    }

    /** Whether {@code exp} and {@code grant} (both from the request, either may be null) grant this rendition now. */
    public boolean admits(UUID photoId, String rendition, String exp, String grant) {
        if (key.isEmpty() || exp == null || grant == null || exp.length() > 12 || !exp.chars().allMatch(Character::isDigit)) {
            return false;
        }
        long expires = Long.parseLong(exp);
        return clock.instant().getEpochSecond() < expires && MessageDigest.isEqual(
                sign(photoId, rendition, expires).getBytes(StandardCharsets.US_ASCII), grant.getBytes(StandardCharsets.US_ASCII));
    }

    private String sign(UUID photoId, String rendition, long expires) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key.orElseThrow());
            byte[] digest = mac.doFinal((photoId + "/" + rendition + "/" + expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }
}
