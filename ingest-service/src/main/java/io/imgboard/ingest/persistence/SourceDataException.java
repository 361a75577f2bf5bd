package io.imgboard.ingest.persistence;

/** ingest's database failed a read or a write of sources or their snapshots. */
public class SourceDataException extends RuntimeException {
    public SourceDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
