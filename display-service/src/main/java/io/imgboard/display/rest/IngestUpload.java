package io.imgboard.display.rest;

import io.imgboard.display.service.Upstreams;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Files the display took in a multipart request, sent on to ingest's {@code POST /api/v1/uploads} as one
 * multipart request of {@code file} parts with their {@code source}: the admin page's uploads and img-board's
 * {@code /api/admin/upload} both arrive at ingest so. Ingest decides what each file is and answers per file.
 */
final class IngestUpload {
    /** Uploads from the admin pages arrive at ingest as source {@code upload:admin}. */
    static final String ADMIN_SOURCE = "admin";
    static final Duration WAIT = Duration.ofMinutes(10);

    private IngestUpload() {
    }

    /**
     * Ingest's answer, or an {@link io.imgboard.display.service.UpstreamException} (a runtime exception) when it
     * cannot be reached; an {@link IOException} when a spooled file cannot be read back.
     */
    static Upstreams.Answer send(Upstreams upstreams, List<FileUpload> files, String source, String authorization)
            throws IOException {
        String boundary = "imgboard-" + UUID.randomUUID();
        List<HttpRequest.BodyPublisher> parts = new ArrayList<>();
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\n"
                + source + "\r\n"));
        for (FileUpload file : files) {
            parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
                    + "filename=\"" + headerSafe(basename(file.fileName())) + "\"\r\nContent-Type: " + file.contentType() + "\r\n\r\n",
                    StandardCharsets.UTF_8));
            parts.add(HttpRequest.BodyPublishers.ofFile(file.uploadedFile()));
            parts.add(HttpRequest.BodyPublishers.ofString("\r\n"));
        }
        parts.add(HttpRequest.BodyPublishers.ofString("--" + boundary + "--\r\n"));
        return upstreams.upload(HttpRequest.BodyPublishers.concat(parts.toArray(HttpRequest.BodyPublisher[]::new)),
                "multipart/form-data; boundary=" + boundary, authorization).await().atMost(WAIT);
    }

    /** The last segment of a client's file name (browsers may send a path). */
    static String basename(String name) {
        String given = name == null ? "" : name;
        return given.substring(Math.max(given.lastIndexOf('/'), given.lastIndexOf('\\')) + 1);
    }

    /** A file name inside a quoted multipart header: no quotes, backslashes or line breaks. */
    private static String headerSafe(String name) {
        return name.replaceAll("[\"\\\\\\r\\n]", "_");
    }
}
