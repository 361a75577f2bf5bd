package io.imgboard.ingest.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A spooled upload, read once from disk: its size, its SHA-256 and what its first bytes say it is.
 * The file is streamed through a small buffer; it is never held in the heap.
 */
record Inspection(long size, String sha256, MagicBytes.Detected detected) {

    static Inspection of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] head = new byte[MagicBytes.HEAD_LENGTH];
        int headLength = 0;
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (headLength < head.length) {
                    int take = Math.min(n, head.length - headLength);
                    System.arraycopy(buffer, 0, head, headLength, take);
                    headLength += take;
                }
                digest.update(buffer, 0, n);
                size += n;
            }
        }
        return new Inspection(size, HexFormat.of().formatHex(digest.digest()), MagicBytes.detect(head, headLength));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
