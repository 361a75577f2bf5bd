package io.imgboard.ingest.export;

/**
 * A request that cannot be carried out however often it is tried (a folder outside every allowed
 * place, a path that leaves the folder, an original that is not stored); the message is for a person.
 */
public class ExportRefused extends RuntimeException {
    public ExportRefused(String message) {
        super(message);
    }
}
