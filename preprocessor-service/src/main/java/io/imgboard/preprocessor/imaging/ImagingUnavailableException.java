package io.imgboard.preprocessor.imaging;

/**
 * libvips failed for a reason of this machine, not of the photo: memory ran out, a loader module
 * is missing. Trying again (later, or on another preprocessor) may work, so the photo must not be
 * marked as refused. See {@link EnvironmentFault}.
 */
public final class ImagingUnavailableException extends RuntimeException {

    public ImagingUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
