package io.imgboard.display.storage;

import java.io.IOException;
import java.io.InputStream;

/** An open rendition: its metadata and a body stream that holds an S3 connection until closed. */
public record RenditionObject(RenditionInfo info, InputStream body) implements AutoCloseable {
    @Override
    public void close() throws IOException {
        body.close();
    }
}
