package io.imgboard.ingest.service;

import io.imgboard.events.SourceIds;

/**
 * Who a request's secret belongs to. {@code name} is the device's name for {@link Kind#DEVICE}, else
 * {@code "admin"} or {@code "upload"}.
 */
public record Principal(Kind kind, String name) {

    public enum Kind {
        ADMIN, UPLOAD, DEVICE
    }

    public static final Principal ADMIN = new Principal(Kind.ADMIN, "admin");
    public static final Principal UPLOAD = new Principal(Kind.UPLOAD, "upload");

    public static Principal device(String name) {
        return new Principal(Kind.DEVICE, name);
    }

    /** The device for {@code FileArrived.deviceId}, or null for the shared tokens. */
    public String deviceId() {
        return kind == Kind.DEVICE ? name : null;
    }

    /**
     * Whose files this principal's are: the device's own, or the ones shared by the upload and admin tokens.
     * It names the WebDAV tree the principal sees and is the first folder of the paths it sends with REST
     * uploads, so that no client's path can be another's.
     */
    public String tree() {
        return kind == Kind.DEVICE ? name : "upload";
    }

    /** {@code dav:<device or "upload">}, the source id of files that came in over WebDAV. */
    public String davSourceId() {
        return SourceIds.DAV + tree();
    }

    public boolean isAdmin() {
        return kind == Kind.ADMIN;
    }
}
