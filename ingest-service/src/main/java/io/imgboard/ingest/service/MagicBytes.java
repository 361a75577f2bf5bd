package io.imgboard.ingest.service;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a file is, from its first bytes; the client's file name and Content-Type are claims and are
 * ignored. Recognises the formats the preprocessor decodes and, to tell a person what they sent
 * instead, common non-images.
 */
public final class MagicBytes {

    /** How many leading bytes {@link #detect} looks at. */
    public static final int HEAD_LENGTH = 512;

    /** The image types accepted, as detected. */
    public static final List<String> ACCEPTED = List.of("image/jpeg", "image/png", "image/gif", "image/webp",
            "image/tiff", "image/heic", "image/heif", "image/avif");

    public enum Kind {
        /** One of {@link #ACCEPTED}. */
        IMAGE,
        /** An image, but in a format the pipeline does not take (BMP, JPEG XL, SVG, ...). */
        UNSUPPORTED_IMAGE,
        /** Recognisably something else (text, PDF, video, archive, ...). */
        NOT_IMAGE,
        /** No known signature. */
        UNKNOWN
    }

    /** @param contentType the detected media type, or null when {@link Kind#UNKNOWN} */
    public record Detected(Kind kind, String contentType) {
        static final Detected UNRECOGNISED = new Detected(Kind.UNKNOWN, null);

        static Detected image(String type) {
            return new Detected(Kind.IMAGE, type);
        }

        static Detected unsupported(String type) {
            return new Detected(Kind.UNSUPPORTED_IMAGE, type);
        }

        static Detected other(String type) {
            return new Detected(Kind.NOT_IMAGE, type);
        }
    }

    // ISO base media file format (HEIF family, AVIF, MP4, ...): the brands of the leading ftyp box.
    private static final Map<String, String> IMAGE_BRANDS = Map.ofEntries(
            Map.entry("avif", "image/avif"), Map.entry("avis", "image/avif"),
            Map.entry("heic", "image/heic"), Map.entry("heix", "image/heic"), Map.entry("hevc", "image/heic"),
            Map.entry("hevx", "image/heic"), Map.entry("heim", "image/heic"), Map.entry("heis", "image/heic"),
            Map.entry("mif1", "image/heif"), Map.entry("msf1", "image/heif"));
    /** When only compatible brands tell, the most specific wins: an AVIF or HEIC is also a "mif1". */
    private static final List<String> BRAND_PREFERENCE = List.of("image/avif", "image/heic", "image/heif");
    private static final Map<String, String> OTHER_BRANDS = Map.ofEntries(
            Map.entry("crx ", "image/x-canon-cr3"), Map.entry("jp2 ", "image/jp2"),
            Map.entry("qt  ", "video/quicktime"), Map.entry("3gp4", "video/3gpp"), Map.entry("3gp5", "video/3gpp"),
            Map.entry("isom", "video/mp4"), Map.entry("iso2", "video/mp4"), Map.entry("mp41", "video/mp4"),
            Map.entry("mp42", "video/mp4"), Map.entry("avc1", "video/mp4"), Map.entry("M4V ", "video/mp4"),
            Map.entry("M4A ", "audio/mp4"), Map.entry("dash", "video/mp4"));

    private MagicBytes() {
    }

    public static Detected detect(byte[] head) {
        return detect(head, head.length);
    }

    /** @param length how many bytes of {@code head} are valid (a file may be shorter than the buffer) */
    public static Detected detect(byte[] head, int length) {
        byte[] b = Arrays.copyOf(head, Math.min(length, head.length));
        if (starts(b, 0xFF, 0xD8, 0xFF)) {
            return Detected.image("image/jpeg");
        }
        if (starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Detected.image("image/png");
        }
        if (ascii(b, 0, "GIF87a") || ascii(b, 0, "GIF89a")) {
            return Detected.image("image/gif");
        }
        if (ascii(b, 0, "RIFF") && b.length >= 12) {
            if (ascii(b, 8, "WEBP")) {
                return Detected.image("image/webp");
            }
            if (ascii(b, 8, "WAVE")) {
                return Detected.other("audio/wav");
            }
            if (ascii(b, 8, "AVI ")) {
                return Detected.other("video/x-msvideo");
            }
        }
        if (starts(b, 'I', 'I', 0x2A, 0x00) || starts(b, 'M', 'M', 0x00, 0x2A)) {
            return Detected.image("image/tiff");
        }
        if (b.length >= 12 && ascii(b, 4, "ftyp")) {
            return isoMedia(b);
        }
        return otherSignature(b);
    }

    /** ftyp box: size (4), "ftyp", major brand (4), minor version (4), compatible brands (4 each). */
    private static Detected isoMedia(byte[] b) {
        String major = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
        if (IMAGE_BRANDS.containsKey(major)) {
            return Detected.image(IMAGE_BRANDS.get(major));
        }
        long boxSize = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        int end = (int) Math.min(b.length, Math.max(boxSize, 16));
        String best = null;
        for (int at = 16; at + 4 <= end; at += 4) {
            String type = IMAGE_BRANDS.get(new String(b, at, 4, StandardCharsets.ISO_8859_1));
            if (type != null && (best == null || BRAND_PREFERENCE.indexOf(type) < BRAND_PREFERENCE.indexOf(best))) {
                best = type;
            }
        }
        if (best != null) {
            return Detected.image(best);
        }
        String other = OTHER_BRANDS.get(major);
        if (other == null) {
            return Detected.UNRECOGNISED;
        }
        return other.startsWith("image/") ? Detected.unsupported(other) : Detected.other(other);
    }

    private static Detected otherSignature(byte[] b) {
        if (b.length >= 14 && ascii(b, 0, "BM") && b[6] == 0 && b[7] == 0 && b[8] == 0 && b[9] == 0) {
            return Detected.unsupported("image/bmp");
        }
        if (starts(b, 0xFF, 0x0A)
                || starts(b, 0x00, 0x00, 0x00, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A)) {
            return Detected.unsupported("image/jxl");
        }
        if (starts(b, 0x00, 0x00, 0x00, 0x0C, 'j', 'P', ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A)) {
            return Detected.unsupported("image/jp2");
        }
        if (ascii(b, 0, "8BPS")) {
            return Detected.unsupported("image/vnd.adobe.photoshop");
        }
        if (starts(b, 0x00, 0x00, 0x01, 0x00) && b.length >= 6 && b[4] != 0) {
            return Detected.unsupported("image/x-icon");
        }
        if (ascii(b, 0, "%PDF-")) {
            return Detected.other("application/pdf");
        }
        if (starts(b, 'P', 'K', 0x03, 0x04)) {
            return Detected.other("application/zip");
        }
        if (starts(b, 0x1F, 0x8B)) {
            return Detected.other("application/gzip");
        }
        if (starts(b, 0x7F, 'E', 'L', 'F')) {
            return Detected.other("application/x-executable");
        }
        if (starts(b, 0x1A, 0x45, 0xDF, 0xA3)) {
            return Detected.other("video/x-matroska");
        }
        if (ascii(b, 0, "ID3")) {
            return Detected.other("audio/mpeg");
        }
        String text = asText(b);
        if (text != null) {
            return textType(text);
        }
        return Detected.UNRECOGNISED;
    }

    private static Detected textType(String text) {
        String start = text.stripLeading().toLowerCase(Locale.ROOT);
        if (start.startsWith("<svg") || start.startsWith("<?xml") && start.contains("<svg")) {
            return Detected.unsupported("image/svg+xml");
        }
        if (start.startsWith("<!doctype html") || start.startsWith("<html")) {
            return Detected.other("text/html");
        }
        if (start.startsWith("<?xml")) {
            return Detected.other("application/xml");
        }
        return Detected.other("text/plain");
    }

    /** The bytes as text when they are UTF-8 (ASCII included) without binary control characters, else null. */
    private static String asText(byte[] b) {
        if (b.length == 0) {
            return null;
        }
        int from = starts(b, 0xEF, 0xBB, 0xBF) ? 3 : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(b.length);
        // not the end of input: the head may cut a multi-byte character in two
        CoderResult result = decoder.decode(ByteBuffer.wrap(b, from, b.length - from), chars, false);
        if (result.isError()) {
            return null;
        }
        chars.flip();
        if (chars.length() == 0) {
            return null;
        }
        for (int i = 0; i < chars.length(); i++) {
            char c = chars.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' || c == 0x7F) {
                return null;
            }
        }
        return chars.toString();
    }

    private static boolean starts(byte[] b, int... signature) {
        if (b.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((b[i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(byte[] b, int at, String text) {
        if (b.length < at + text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (b[at + i] != (byte) text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** For error messages: a human summary of the accepted formats. */
    static String acceptedFormats() {
        return "JPEG, PNG, GIF, WebP, TIFF, HEIC/HEIF or AVIF";
    }
}
