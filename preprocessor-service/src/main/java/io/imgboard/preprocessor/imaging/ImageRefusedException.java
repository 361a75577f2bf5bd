package io.imgboard.preprocessor.imaging;

/**
 * The file cannot become renditions, and trying again will not change that: unsupported, corrupt,
 * truncated or too large. {@link #reason()} is written for a person.
 */
public final class ImageRefusedException extends Exception {

    public ImageRefusedException(String reason) {
        super(reason);
    }

    public ImageRefusedException(String reason, Throwable cause) {
        super(reason, cause);
    }

    public String reason() {
        return getMessage();
    }
}
