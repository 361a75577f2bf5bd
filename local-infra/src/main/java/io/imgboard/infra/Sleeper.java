package io.imgboard.infra;

import java.time.Duration;

public final class Sleeper {
    private Sleeper() {
    }

    /** The launcher polls servers it started; there is nothing to wait on but time. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfraException("interrupted", e);
        }
    }
}
