package io.imgboard.preprocessor.imaging.vips;

/** libvips could not be loaded or initialised on this machine. */
public final class VipsUnavailableException extends IllegalStateException {

    public VipsUnavailableException(String message) {
        super(message);
    }

    public VipsUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
