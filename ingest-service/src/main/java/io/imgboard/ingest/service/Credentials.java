package io.imgboard.ingest.service;

import io.imgboard.ingest.config.AdminConfig;
import io.imgboard.ingest.config.UploadConfig;
import io.imgboard.ingest.persistence.DeviceEntity;
import io.imgboard.ingest.persistence.DeviceRepository;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one answer to "whose secret is this": the admin token, the upload token, or a device's token.
 * The two configured tokens are compared in constant time (both sides hashed first, so neither the
 * length nor the first wrong character shows in the timing). Device tokens are known only by their
 * SHA-256: a lookup by hash reveals nothing about a token, and a database leak gives no usable token.
 *
 * <p>Checked on the event loop before a body is read, so the device hashes are held in memory,
 * loaded at start-up and changed together with the table when a device is added or revoked
 * ({@link DeviceTokens}); a revoked token stops working with the next request.
 */
@ApplicationScoped
public class Credentials {
    private final byte[] admin;
    private final byte[] upload;
    /** Device token SHA-256 (hex) → device name. */
    private final Map<String, String> devices = new ConcurrentHashMap<>();
    private final DeviceRepository repository;

    Credentials(AdminConfig adminConfig, UploadConfig uploadConfig, DeviceRepository repository) {
        this.admin = adminConfig.token().map(String::strip).filter(t -> !t.isEmpty()).map(Credentials::sha256).orElse(null);
        this.upload = uploadConfig.token().map(String::strip).filter(t -> !t.isEmpty()).map(Credentials::sha256).orElse(null);
        this.repository = repository;
    }

    @Transactional
    void load(@Observes @Priority(10) StartupEvent event) {
        for (DeviceEntity d : repository.listAll()) {
            devices.put(d.tokenSha256, d.name);
        }
    }

    /** Whether an admin token is configured at all (without one, admin APIs refuse every request). */
    public boolean adminConfigured() {
        return admin != null;
    }

    /** @param secret the token as presented (Bearer token or Basic password), may be null */
    public Optional<Principal> identify(String secret) {
        byte[] presented = sha256(secret == null ? "" : secret.strip());
        // compare with both, always, so which one matched does not show in the timing
        boolean isAdmin = admin != null && MessageDigest.isEqual(presented, admin);
        boolean isUpload = upload != null && MessageDigest.isEqual(presented, upload);
        if (secret == null || secret.isBlank()) {
            return Optional.empty();
        }
        if (isAdmin) {
            return Optional.of(Principal.ADMIN);
        }
        if (isUpload) {
            return Optional.of(Principal.UPLOAD);
        }
        return Optional.ofNullable(devices.get(HexFormat.of().formatHex(presented))).map(Principal::device);
    }

    void remember(String tokenSha256, String device) {
        devices.put(tokenSha256, device);
    }

    void forget(String device) {
        devices.values().removeIf(device::equals);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
