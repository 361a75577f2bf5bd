package io.imgboard.display.service.frames;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@code imgboard.frames.*}: who may see frames, who may embed them, how they reconnect. */
@ConfigMapping(prefix = "imgboard.frames")
public interface FramesConfig {

    /**
     * When set, frame pages, their streams, windows and media need it: {@code ?token=} on the page (which
     * then sets a cookie for the rest) or that cookie. Unset: frames are open, as img-board's were.
     */
    Optional<String> token();

    /** Networks (CIDRs) whose callers see frames without the token; when set, loopback does too. */
    Optional<List<String>> allowedNetworks();

    /**
     * The CSP {@code frame-ancestors} of frame pages: who may put a frame in an iframe. Unset, no such rule is
     * sent, as img-board sent none (IMG-BOARD-API.md: DAKboard iframes keep loading); a frame page has no action
     * another site could trick a viewer into.
     */
    Optional<String> frameAncestors();

    /** The shortest {@code retry:} a stream tells its frame; each connection gets one at random up to {@link #retryMax}. */
    @WithDefault("3s")
    Duration retryMin();

    /** The longest {@code retry:}: spread out so a display restart is not met by every frame at once. */
    @WithDefault("30s")
    Duration retryMax();
}
