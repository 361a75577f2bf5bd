package io.imgboard.ingest.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The WebDAV target. */
@ConfigMapping(prefix = "imgboard.dav")
public interface DavConfig {

    /**
     * Dead properties (set by PROPPATCH) one file or folder may hold. Clients set a few (Windows' file
     * times, a sync tool's checksum); without a limit one file took 10,000, and every PROPFIND of it
     * answered half a megabyte. A PROPPATCH that would go past it is refused whole (507).
     */
    @WithDefault("100")
    int maxDeadProperties();

    /** The bytes (UTF-8) of one file's or folder's dead property values together; past it, as past the count. */
    @WithDefault("64K")
    MemorySize maxDeadPropertiesSize();

    /**
     * How long the stored bytes of a WebDAV file that is not a photo (a video, a sidecar) stay after the file is
     * deleted, written over or moved over, before they are deleted unless something else holds them: long enough
     * for any upload of the same bytes in flight to be recorded, and for the ledger to have read an arrival of them.
     */
    @WithDefault("1h")
    java.time.Duration releaseAfter();
}
