package io.imgboard.preprocessor.imaging;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Removes the metadata chunks (EXIF, XMP, ICCP) from a WebP file.
 *
 * <p>Why this exists: libvips 8.14.1 ignores {@code strip} when saving WebP, and before saving it
 * rebuilds an EXIF block from the image header (orientation, resolution, size) even when the image
 * carries no EXIF at all. We already remove every metadata field before encoding, so nothing
 * private reaches that block; dropping the chunks afterwards makes the output carry no metadata
 * at all, as promised. Re-check when the base image moves past 8.14.1.
 */
public final class WebpMetadata {
    private static final int VP8X_ICC = 0x20;
    private static final int VP8X_EXIF = 0x08;
    private static final int VP8X_XMP = 0x04;

    private WebpMetadata() {
    }

    /**
     * The same image without EXIF, XMP and ICCP chunks; the VP8X flags are updated to match, and a
     * VP8X left with no flags at all (a still image without alpha) is dropped: the file is then in
     * WebP's simple format, byte for byte what libwebp itself writes for that image.
     */
    public static byte[] strip(byte[] webp) {
        ByteBuffer in = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
        if (webp.length < 12 || !fourCc(webp, 0).equals("RIFF") || !fourCc(webp, 8).equals("WEBP")) {
            throw new IllegalArgumentException("not a WebP file");
        }
        long riffEnd = Math.min(webp.length, 8 + Integer.toUnsignedLong(in.getInt(4)));
        ByteArrayOutputStream out = new ByteArrayOutputStream(webp.length);
        out.writeBytes(new byte[]{'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'E', 'B', 'P'});
        int offset = 12;
        boolean changed = false;
        while (offset + 8 <= riffEnd) {
            String type = fourCc(webp, offset);
            long size = Integer.toUnsignedLong(in.getInt(offset + 4));
            long padded = size + (size & 1);
            if (offset + 8 + size > riffEnd) {
                throw new IllegalArgumentException("WebP chunk " + type + " runs past the end of the file");
            }
            int length = (int) Math.min(8 + padded, riffEnd - offset);
            switch (type) {
                case "EXIF", "XMP ", "ICCP" -> changed = true;
                case "VP8X" -> {
                    byte[] chunk = java.util.Arrays.copyOfRange(webp, offset, offset + length);
                    int flags = chunk[8] & 0xFF;
                    int cleared = flags & ~(VP8X_ICC | VP8X_EXIF | VP8X_XMP);
                    chunk[8] = (byte) cleared;
                    changed |= cleared != flags;
                    // Nothing left to say (no alpha, no animation): the simple format, as libwebp writes such an image.
                    if (cleared != 0 || flags == 0) {
                        out.writeBytes(chunk);
                    }
                }
                default -> out.write(webp, offset, length);
            }
            offset += length;
        }
        if (!changed) {
            return webp;
        }
        byte[] result = out.toByteArray();
        ByteBuffer.wrap(result).order(ByteOrder.LITTLE_ENDIAN).putInt(4, result.length - 8);
        return result;
    }

    /** The metadata chunks (EXIF, XMP, ICCP) a WebP file carries, in file order; empty when it has none. */
    public static java.util.List<String> metadataChunks(byte[] webp) {
        if (webp.length < 12 || !fourCc(webp, 0).equals("RIFF") || !fourCc(webp, 8).equals("WEBP")) {
            throw new IllegalArgumentException("not a WebP file");
        }
        ByteBuffer in = ByteBuffer.wrap(webp).order(ByteOrder.LITTLE_ENDIAN);
        java.util.List<String> found = new java.util.ArrayList<>();
        long offset = 12;
        while (offset + 8 <= webp.length) {
            String type = fourCc(webp, (int) offset);
            if (type.equals("EXIF") || type.equals("XMP ") || type.equals("ICCP")) {
                found.add(type.strip());
            }
            long size = Integer.toUnsignedLong(in.getInt((int) offset + 4));
            offset += 8 + size + (size & 1);
        }
        return found;
    }

    private static String fourCc(byte[] bytes, int offset) {
        return new String(bytes, offset, 4, StandardCharsets.US_ASCII);
    }
}
