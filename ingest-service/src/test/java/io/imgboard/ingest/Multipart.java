package io.imgboard.ingest;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A multipart/form-data body as bytes, for java.net.http, which then sends a Content-Length
 * (RestAssured streams multipart bodies chunked).
 */
public final class Multipart {
    private Multipart() {
    }

    public static byte[] oneFile(String boundary, String fileName, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
