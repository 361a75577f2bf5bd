package io.imgboard.ingest.service;

import io.imgboard.ingest.config.UploadConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every refused upload, for operators: a log line, the counter
 * {@code imgboard_uploads_rejected_total{reason}} and the most recent ones in memory. Requests
 * without a valid token are counted and logged but not listed: strangers must not be able to push
 * real rejections out of the list.
 */
@ApplicationScoped
public class Rejections {

    /**
     * One refused file (or request, when {@code name} is {@value #REQUEST}).
     *
     * @param sendAgain the client was told to send it again (429, 503, …): listed until a file of that name arrives
     *                  from that client
     * @param client    who was refused ({@link #client}), when known; not shown
     */
    public record Rejection(String name, String reason, int status, Instant at, boolean sendAgain,
                            @com.fasterxml.jackson.annotation.JsonIgnore String client) {
    }

    /** Who sends: a device, or everyone with a shared token. */
    public static String client(String deviceId) {
        return deviceId == null ? "shared token" : "device " + deviceId;
    }

    /** The name listed for a refusal of a whole request rather than one of its files. */
    public static final String REQUEST = "(request)";

    /**
     * The label of a refusal of a whole request: the file a PUT was sending (the upload API's raw PUT,
     * WebDAV), from its path's last segment, cleaned as every file name is; else {@value #REQUEST}.
     */
    public static String requestLabel(String method, String rawPath) {
        if (!"PUT".equals(method) || rawPath == null || rawPath.endsWith("/")) {
            return REQUEST;
        }
        String last = rawPath.substring(rawPath.lastIndexOf('/') + 1);
        try {
            last = java.net.URLDecoder.decode(last.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            // not valid percent-encoding: the segment as sent, cleaned below
        }
        return Names.fileName(last);
    }

    private final int capacity;
    private final Deque<Rejection> recent = new ArrayDeque<>();
    private final Map<RejectionReason, Counter> counters = new EnumMap<>(RejectionReason.class);

    Rejections(UploadConfig config, MeterRegistry registry) {
        this.capacity = Math.max(1, config.rejectionHistory());
        // registered up front so every reason shows as 0 before the first rejection
        for (RejectionReason reason : RejectionReason.values()) {
            counters.put(reason, Counter.builder("imgboard.uploads.rejected")
                    .description("Uploads refused, by reason")
                    .tag("reason", reason.tag())
                    .register(registry));
        }
    }

    /** Records a refusal; {@code detail} is the sentence the client gets, {@code name} the file's label. */
    public void record(RejectionReason reason, String name, String detail) {
        record(reason, name, detail, null);
    }

    /** {@link #record(RejectionReason, String, String)}, from a known {@code client}. */
    public void record(RejectionReason reason, String name, String detail, String client) {
        counters.get(reason).increment();
        if (reason == RejectionReason.UNAUTHORIZED || reason == RejectionReason.TOO_MANY_ATTEMPTS) {
            Log.warnf("upload refused (%d %s): %s", reason.status(), reason.tag(), detail);
            return;
        }
        Log.warnf("upload refused (%d %s): %s: %s", reason.status(), reason.tag(), name, detail);
        Rejection rejection = new Rejection(name, detail, reason.status(), Instant.now(), reason.sendAgain(), client);
        synchronized (recent) {
            recent.addFirst(rejection);
            while (recent.size() > capacity) {
                recent.removeLast();
            }
        }
    }

    /**
     * A file of this name arrived from {@code client}: its refusals that said to send it again are settled and leave
     * the list (the counters keep them); another client's of the same name stay, as do those that said what was
     * wrong with the file.
     */
    public void arrived(String name, String client) {
        if (name == null || REQUEST.equals(name)) {
            return;
        }
        synchronized (recent) {
            recent.removeIf(r -> r.sendAgain() && r.name().equals(name) && (r.client() == null || r.client().equals(client)));
        }
    }

    /** The most recent refusals, newest first. */
    public List<Rejection> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }
}
