package io.imgboard.preprocessor.imaging;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;

/**
 * Recognises a file by its first bytes, never by its name or a client's claim. For what is not an
 * accepted image it says what the bytes look like, so a refusal can tell a person why.
 */
public final class FormatSniffer {
    /** How many leading bytes {@link #sniff} wants to see. */
    public static final int HEAD_BYTES = 64;

    private static final Set<String> HEIF_BRANDS = Set.of("heic", "heix", "hevc", "hevx", "heim", "heis", "hevm",
            "hevs", "mif1", "msf1", "mif2");
    private static final Set<String> AVIF_BRANDS = Set.of("avif", "avis");

    private FormatSniffer() {
    }

    /** What the first bytes of a file are: an accepted format, or a description of something else. */
    public record Sniffed(Optional<ImageFormat> format, String looksLike) {
        static Sniffed accepted(ImageFormat format) {
            return new Sniffed(Optional.of(format), format.label());
        }

        static Sniffed other(String looksLike) {
            return new Sniffed(Optional.empty(), looksLike);
        }
    }

    public static Sniffed sniff(byte[] head, int length) {
        if (length == 0) {
            return Sniffed.other("empty file");
        }
        if (startsWith(head, length, 0xFF, 0xD8, 0xFF)) {
            return Sniffed.accepted(ImageFormat.JPEG);
        }
        if (startsWith(head, length, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Sniffed.accepted(ImageFormat.PNG);
        }
        if (ascii(head, length, 0, 6).equals("GIF87a") || ascii(head, length, 0, 6).equals("GIF89a")) {
            return Sniffed.accepted(ImageFormat.GIF);
        }
        if (ascii(head, length, 0, 4).equals("RIFF")) {
            String kind = ascii(head, length, 8, 4);
            return kind.equals("WEBP") ? Sniffed.accepted(ImageFormat.WEBP)
                    : Sniffed.other("RIFF container (" + printable(kind) + "), not an image");
        }
        if (startsWith(head, length, 'I', 'I', 0x2A, 0x00) || startsWith(head, length, 'M', 'M', 0x00, 0x2A)) {
            if (ascii(head, length, 8, 2).equals("CR")) {
                return Sniffed.other("camera raw (Canon CR2)");
            }
            return Sniffed.accepted(ImageFormat.TIFF);
        }
        if (startsWith(head, length, 'I', 'I', 0x2B, 0x00) || startsWith(head, length, 'M', 'M', 0x00, 0x2B)) {
            return Sniffed.accepted(ImageFormat.TIFF); // BigTIFF
        }
        if (ascii(head, length, 4, 4).equals("ftyp")) {
            return isoMedia(head, length);
        }
        return Sniffed.other(describeOther(head, length));
    }

    private static Sniffed isoMedia(byte[] head, int length) {
        String major = ascii(head, length, 8, 4);
        int boxSize = Math.min(length, be32(head, 0));
        boolean avif = AVIF_BRANDS.contains(major);
        boolean heif = HEIF_BRANDS.contains(major);
        for (int offset = 16; offset + 4 <= boxSize; offset += 4) {
            String brand = ascii(head, length, offset, 4);
            avif |= AVIF_BRANDS.contains(brand);
            heif |= HEIF_BRANDS.contains(brand);
        }
        if (avif) {
            return Sniffed.accepted(ImageFormat.AVIF);
        }
        if (heif) {
            return Sniffed.accepted(ImageFormat.HEIF);
        }
        if (major.equals("crx ")) {
            return Sniffed.other("camera raw (Canon CR3)");
        }
        if (major.startsWith("qt") || major.startsWith("mp4") || major.startsWith("isom") || major.startsWith("M4V")
                || major.startsWith("3gp") || major.startsWith("iso")) {
            return Sniffed.other("video (" + printable(major).strip() + ")");
        }
        return Sniffed.other("ISO media file (brand " + printable(major).strip() + ")");
    }

    private static String describeOther(byte[] head, int length) {
        if (startsWith(head, length, 0xFF, 0x0A)
                || startsWith(head, length, 0, 0, 0, 0x0C, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A)) {
            return "JPEG XL";
        }
        if (startsWith(head, length, 'B', 'M')) {
            return "BMP";
        }
        if (startsWith(head, length, '8', 'B', 'P', 'S')) {
            return "Photoshop document (PSD)";
        }
        if (startsWith(head, length, '%', 'P', 'D', 'F')) {
            return "PDF";
        }
        if (startsWith(head, length, 'P', 'K', 3, 4)) {
            return "ZIP archive";
        }
        if (startsWith(head, length, 0x1F, 0x8B)) {
            return "gzip archive";
        }
        if (startsWith(head, length, 0x7F, 'E', 'L', 'F')) {
            return "executable (ELF)";
        }
        if (startsWith(head, length, 0, 0, 1, 0)) {
            return "Windows icon (ICO)";
        }
        if (looksLikeText(head, length)) {
            String text = new String(head, 0, length, StandardCharsets.UTF_8).stripLeading().toLowerCase();
            if (text.startsWith("<svg") || (text.startsWith("<?xml") && text.contains("<svg"))) {
                return "SVG";
            }
            if (text.startsWith("<?xml")) {
                return "XML text";
            }
            if (text.startsWith("<!doctype html") || text.startsWith("<html")) {
                return "HTML text";
            }
            return "text";
        }
        StringBuilder hex = new StringBuilder();
        for (int i = 0; i < Math.min(length, 4); i++) {
            hex.append(i == 0 ? "" : " ").append(String.format("%02x", head[i] & 0xFF));
        }
        return "unknown binary data (starts with " + hex + ")";
    }

    private static boolean looksLikeText(byte[] head, int length) {
        int n = Math.min(length, head.length);
        for (int i = 0; i < n; i++) {
            int b = head[i] & 0xFF;
            boolean control = b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f';
            if (control || b == 0x7F) {
                return false;
            }
        }
        // Bytes >= 0x80 are accepted as UTF-8; a stray high byte in binary data is rare without control bytes.
        return true;
    }

    private static boolean startsWith(byte[] head, int length, int... magic) {
        if (length < magic.length || head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String ascii(byte[] head, int length, int offset, int count) {
        if (offset + count > Math.min(length, head.length)) {
            return "";
        }
        return new String(head, offset, count, StandardCharsets.ISO_8859_1);
    }

    private static int be32(byte[] head, int offset) {
        return ((head[offset] & 0xFF) << 24) | ((head[offset + 1] & 0xFF) << 16) | ((head[offset + 2] & 0xFF) << 8)
                | (head[offset + 3] & 0xFF);
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return out.toString();
    }
}
