package io.imgboard.ingest.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The answer to an upload: one entry per {@code file} part, in order. When no file was accepted
 * it also carries {@code error} and {@code status}, like every other error of the service.
 */
public record UploadResponse(
        List<FileResult> files,
        @JsonInclude(JsonInclude.Include.NON_NULL) String error,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer status) {

    /**
     * @param status {@code created}, {@code duplicate} (the same bytes were stored before; the
     *               arrival is still recorded), {@code rejected} (not an image: sending it again will
     *               not help) or {@code failed} (S3 or Kafka unavailable: send it again later)
     * @param photoId for a duplicate, the photo those bytes already are (when the ledger knows it yet), else null
     * @param deleted for a duplicate, whether that photo was deleted in the admin: it stays deleted, so the
     *                bytes need not be sent again and will not show
     * @param error  why it was rejected or failed, else null
     * @param photoFailure for a duplicate, why the photo those bytes are could not be made (it failed: sending the
     *                     same bytes again will not change that; the admin's Failures can retry it), else absent
     */
    public record FileResult(String name, String sha256, long size, String contentType, String status,
                             String photoId, boolean deleted, String error,
                             @JsonInclude(JsonInclude.Include.NON_NULL) String photoFailure) {
    }
}
