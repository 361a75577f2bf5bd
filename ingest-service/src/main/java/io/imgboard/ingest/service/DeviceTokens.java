package io.imgboard.ingest.service;

import io.imgboard.ingest.persistence.DeviceEntity;
import io.imgboard.ingest.persistence.DeviceRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** Devices with tokens of their own: created (the token shown once), listed, revoked, and their use counted. */
@ApplicationScoped
public class DeviceTokens {
    /** A device's name is part of its WebDAV source id ({@code dav:<name>}) and of URLs. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    /** The shared tokens' names ({@link Principal#ADMIN}, {@link Principal#UPLOAD}): no device may take them. */
    static final java.util.Set<String> RESERVED = java.util.Set.of(Principal.ADMIN.name(), Principal.UPLOAD.name());
    /** "Last used" is written at most this often per device, not on every request. */
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(30);

    /** What {@code GET /api/v1/devices} lists. */
    public record Device(String name, Instant created, Instant lastUsed, long uploads) {
    }

    /** A new device with its token, which is never stored and never shown again. */
    public record Created(String name, String token) {
    }

    private final DeviceRepository repository;
    private final Credentials credentials;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> touched = new ConcurrentHashMap<>();

    DeviceTokens(DeviceRepository repository, Credentials credentials) {
        this.repository = repository;
        this.credentials = credentials;
    }

    /** @return empty when a device of that name exists already */
    @Transactional
    public Optional<Created> create(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a device name is 1 to 64 characters of a-z, 0-9, '.', '_' and '-', "
                    + "starting with a letter or digit, e.g. alice-iphone");
        }
        if (RESERVED.contains(name)) {
            // a device named so would see the shared tokens' WebDAV tree and own their paths (Principal#tree), or pass for them
            throw new IllegalArgumentException("\"" + name + "\" is the shared " + name + " token's name; give the device"
                    + " its own, e.g. alice-iphone");
        }
        if (name.matches("[0-9a-f]{" + Names.CONTENT_PREFIX + "}")) {
            // its paths (<device>/<path>) would read as those of files sent without a path (<sha256[0:12]>/<name>)
            throw new IllegalArgumentException("\"" + name + "\" is 12 hex digits, the form of the folder files sent"
                    + " without a path are kept under; give the device a name of another form, e.g. alice-iphone");
        }
        if (repository.findById(name) != null) {
            return Optional.empty();
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        DeviceEntity device = new DeviceEntity();
        device.name = name;
        device.tokenSha256 = HexFormat.of().formatHex(Credentials.sha256(token));
        device.createdAt = Instant.now();
        repository.persist(device);
        repository.flush();
        credentials.remember(device.tokenSha256, name);
        Log.infof("device %s created", name);
        return Optional.of(new Created(name, token));
    }

    @Transactional
    public List<Device> list() {
        return repository.listByName().stream()
                .map(d -> new Device(d.name, d.createdAt, d.lastUsedAt, d.uploads)).toList();
    }

    /** @return false when there is no such device */
    @Transactional
    public boolean revoke(String name) {
        credentials.forget(name);
        boolean deleted = repository.deleteById(name);
        if (deleted) {
            Log.infof("device %s revoked", name);
        }
        return deleted;
    }

    /** Records that a device made a request; cheap when called often. */
    @Transactional
    public void used(String name) {
        Instant now = Instant.now();
        Instant last = touched.get(name);
        if (last != null && last.plus(TOUCH_EVERY).isAfter(now)) {
            return;
        }
        touched.put(name, now);
        repository.touch(name, now);
    }

    /** Counts a file a device delivered. */
    @Transactional
    public void uploaded(String name) {
        repository.countUpload(name, Instant.now());
    }
}
