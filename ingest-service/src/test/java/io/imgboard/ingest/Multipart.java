package io.imgboard.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A multipart/form-data body as bytes, for java.net.http, which then sends a Content-Length
 * (RestAssured streams multipart bodies chunked).
 */
public final class Multipart {
    /** One {@code file} part. */
    public record Part(String fileName, byte[] content) {
    }

    private Multipart() {
    }

    public static byte[] oneFile(String boundary, String fileName, byte[] content) {
        return files(boundary, new Part(fileName, content));
    }

    /** A body of {@code file} parts, in this order. */
    public static byte[] files(String boundary, Part... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            out.writeBytes(partHead(boundary, part.fileName()));
            out.writeBytes(part.content());
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(end(boundary));
        return out.toByteArray();
    }

    /** What comes before the bytes of a {@code file} part; the part's bytes follow, then {@code \r\n}. */
    public static byte[] partHead(String boundary, String fileName) {
        return ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The closing delimiter, after the last part's {@code \r\n}. */
    public static byte[] end(String boundary) {
        return ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
