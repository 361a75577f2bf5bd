package io.imgboard.display.service;

import java.time.Instant;

/**
 * One upload ingest refused ({@code GET <ingest>/api/v1/uploads/rejections}).
 *
 * @param status the HTTP status ingest answered, e.g. 415 for a file that is not an image
 */
public record IngestRejection(String name, String reason, int status, Instant at) {
}
