package io.imgboard.preprocessor.storage;

/** The object is not in the bucket; asking again will not make it appear. */
public class MissingObjectException extends Exception {

    public MissingObjectException(String message) {
        super(message);
    }
}
