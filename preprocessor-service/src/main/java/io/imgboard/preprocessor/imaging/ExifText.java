package io.imgboard.preprocessor.imaging;

import io.imgboard.preprocessor.imaging.vips.VipsImage;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads capture facts from the EXIF fields libvips exposes. libvips prints an EXIF field as
 * {@code VALUE (DISPLAY, FORMAT, N components, M bytes)}; for text fields VALUE and DISPLAY are
 * the same.
 */
final class ExifText {
    private static final Pattern TAIL = Pattern.compile(", [A-Za-z][A-Za-z ]*, \\d+ components?, \\d+ bytes?\\)$");
    private static final DateTimeFormatter EXIF_DATE_TIME = DateTimeFormatter.ofPattern("uuuu:MM:dd HH:mm:ss");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");

    private ExifText() {
    }

    static CaptureInfo capture(VipsImage image) {
        Optional<String> dateTime = value(image, "exif-ifd2-DateTimeOriginal")
                .or(() -> value(image, "exif-ifd2-DateTimeDigitized"));
        String offset = value(image, "exif-ifd2-OffsetTimeOriginal").flatMap(ExifText::offset).orElse(null);
        LocalDateTime local = dateTime.flatMap(ExifText::localDateTime).orElse(null);
        CaptureInfo info = new CaptureInfo(
                local == null ? null : local.toInstant(offset == null ? ZoneOffset.UTC : ZoneOffset.of(offset)),
                local == null ? null : LOCAL.format(local),
                offset,
                value(image, "exif-ifd0-Make").orElse(null),
                value(image, "exif-ifd0-Model").orElse(null));
        return info.isEmpty() ? null : info;
    }

    /** The raw value of an EXIF field, trimmed; empty when absent or blank. */
    static Optional<String> value(VipsImage image, String field) {
        return image.text(field).map(ExifText::rawValue).filter(v -> !v.isEmpty());
    }

    /** {@code Apple (Apple, ASCII, 6 components, 6 bytes)} → {@code Apple}. */
    static String rawValue(String printed) {
        var tail = TAIL.matcher(printed);
        if (!tail.find()) {
            return clean(printed);
        }
        String body = printed.substring(0, tail.start()); // VALUE (DISPLAY
        // VALUE may itself contain " (": prefer the split where VALUE equals DISPLAY.
        String first = null;
        for (int i = body.indexOf(" ("); i >= 0; i = body.indexOf(" (", i + 1)) {
            String value = body.substring(0, i);
            String display = body.substring(i + 2);
            if (value.equals(display)) {
                return clean(value);
            }
            if (first == null) {
                first = value;
            }
        }
        return clean(first != null ? first : printed);
    }

    private static String clean(String s) {
        return s.replace("\u0000", "").strip();
    }

    static Optional<LocalDateTime> localDateTime(String exif) {
        try {
            return Optional.of(LocalDateTime.parse(exif.length() > 19 ? exif.substring(0, 19) : exif, EXIF_DATE_TIME));
        } catch (DateTimeException e) {
            return Optional.empty(); // "0000:00:00 00:00:00", blanks and other nonsense cameras write
        }
    }

    static Optional<String> offset(String exif) {
        try {
            return Optional.of(ZoneOffset.of(exif.strip()).getId().replace("Z", "+00:00"));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }
}
