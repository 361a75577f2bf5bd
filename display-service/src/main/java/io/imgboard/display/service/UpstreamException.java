package io.imgboard.display.service;

/** Another img-board service did not answer, or answered something the display cannot read. */
public class UpstreamException extends RuntimeException {
    private final String service;

    public UpstreamException(String service, String message, Throwable cause) {
        super(message, cause);
        this.service = service;
    }

    public String service() {
        return service;
    }
}
