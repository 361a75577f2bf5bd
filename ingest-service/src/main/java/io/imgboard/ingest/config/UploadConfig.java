package io.imgboard.ingest.config;

import io.imgboard.support.Tokens;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Optional;

/** The upload API. */
@ConfigMapping(prefix = "imgboard.upload")
public interface UploadConfig {

    /** Shortest token the service accepts: anything shorter can be guessed. */
    int MIN_TOKEN_LENGTH = Tokens.MIN_LENGTH;

    /** {@link #maxFiles}'s default, also for {@link FormPartsConfigSource}, which may run before this mapping is read. */
    String DEFAULT_MAX_FILES = "100";

    /**
     * The bearer token clients send ({@code IMGBOARD_UPLOAD_TOKEN}). No default outside the dev and
     * test profiles: {@link StartupCheck} refuses to start without one.
     */
    Optional<String> token();

    /**
     * Request bodies one client may be sending at once (a device token, or whoever holds a shared
     * token); more are answered 429. A body is read on a worker thread of its own while it arrives,
     * so without a bound a few hundred slow uploads held every thread and ingest answered nothing else.
     */
    @WithDefault("16")
    int maxInFlightPerClient();

    /** Request bodies all clients together may be sending at once: well below the worker pool (200). */
    @WithDefault("128")
    int maxInFlight();

    /** How many recent rejections {@code GET /api/v1/uploads/rejections} keeps. */
    @WithDefault("200")
    int rejectionHistory();

    /**
     * Free space the spool folder's disk must keep: a request with a body is answered 507 before
     * anything is spooled when it would go below.
     */
    @WithDefault("256M")
    MemorySize minFreeSpace();

    /**
     * The most the spool folder may hold at once (bodies being received, Nextcloud chunks waiting for
     * their MOVE), or none: only the disk's free space counts. Set it where the folder has a size of its
     * own that the disk's free space does not show, such as a Kubernetes {@code emptyDir} with a
     * {@code sizeLimit}, whose pod is evicted when it goes over: a request that would take the folder
     * past it is answered 507 before anything is spooled.
     */
    Optional<MemorySize> spoolSize();

    /**
     * The largest body the upload API takes ({@code POST /api/v1/uploads}, {@code PUT /api/v1/uploads/<name>}):
     * photos only, so far below WebDAV's limit, which is the HTTP server's own
     * ({@code quarkus.http.limits.max-body-size}: push apps also send their videos there). A larger
     * declared body is answered 413 before it is read; a chunked one is cut off at the limit.
     */
    @WithDefault("200M")
    MemorySize maxSize();

    /**
     * The most files ({@code file} parts) one {@code POST /api/v1/uploads} may hold; a body with more is
     * refused as a whole with 400, nothing stored or announced. Each file is stored and announced in turn,
     * so without a limit one request of a thousand copies of one photo held a worker for most of a minute
     * and gave the photo a thousand origins. The multipart parser's own limit on parts follows it
     * ({@link FormPartsConfigSource}), so a body of far more parts is refused while it is read.
     */
    @WithDefault(DEFAULT_MAX_FILES)
    int maxFiles();
}
