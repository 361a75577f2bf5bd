package io.imgboard.infra;

/** Something the person running img-board can act on; the launcher prints its message, never a stack trace. */
public class InfraException extends RuntimeException {
    public InfraException(String message) {
        super(message);
    }

    public InfraException(String message, Throwable cause) {
        super(message, cause);
    }
}
