package io.imgboard.ledger.rest;

import io.imgboard.ledger.persistence.PhotoSearchRepository;
import io.imgboard.ledger.service.PhotoDetails;
import io.imgboard.ledger.service.PhotoQueries;
import io.imgboard.ledger.service.SourceNames;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /api/v1/photo-search}: the admin page's photo list, by file name, source, device and capture date
 * ({@code GET /api/v1/photos} filters by arrival), with the next page's cursor in the body, because
 * the display relays bodies, not headers. Dates are UTC days, {@code to} inclusive.
 */
@Path("/api/v1/photo-search")
@Produces(MediaType.APPLICATION_JSON)
public class PhotoSearchResource {
    static final int MAX_LIMIT = 200;
    private static final Set<String> STATES = Set.of("VISIBLE", "HIDDEN", "PENDING", "FAILED", "RETIRED", "DELETED");

    /** One page; {@code next} is null on the last one. */
    public record Page(List<PhotoDetails> photos, String next) {
    }

    private final PhotoSearchRepository search;
    private final PhotoQueries queries;
    private final SourceNames sourceNames;

    PhotoSearchResource(PhotoSearchRepository search, PhotoQueries queries, SourceNames sourceNames) {
        this.sourceNames = sourceNames;
        this.search = search;
        this.queries = queries;
    }

    @GET
    public Page search(@QueryParam("state") String state, @QueryParam("name") String name, @QueryParam("source") String source,
                       @QueryParam("device") String device, @QueryParam("from") String from,
                       @QueryParam("to") String to, @QueryParam("limit") @DefaultValue("48") String limit,
                       @QueryParam("cursor") String cursor) {
        String wanted = blankToNull(state) == null ? null : state.trim().toUpperCase(Locale.ROOT);
        if (wanted != null && !STATES.contains(wanted)) {
            throw new BadRequestException("state must be one of " + new java.util.TreeSet<>(STATES) + ", not " + state);
        }
        int size = limit(limit);
        LocalDate fromDay = day(from, "from");
        LocalDate toDay = day(to, "to");
        if (fromDay != null && toDay != null && toDay.isBefore(fromDay)) {
            throw new BadRequestException("to (" + toDay + ") is before from (" + fromDay + ")");
        }
        Instant afterCreated = null;
        UUID afterId = null;
        if (blankToNull(cursor) != null) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor.trim()), StandardCharsets.UTF_8).split("\\|");
                afterCreated = Instant.parse(parts[0]);
                afterId = UUID.fromString(parts[1]);
            } catch (RuntimeException e) {
                throw new BadRequestException("cursor is not one this service gave out");
            }
        }
        List<UUID> ids = search.ids(new PhotoSearchRepository.Query(wanted, nameContains(name), sourceNames.idsFor(source),
                blankToNull(device),
                fromDay == null ? null : fromDay.atStartOfDay(ZoneOffset.UTC).toInstant(),
                toDay == null ? null : toDay.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
                afterCreated, afterId), size);
        List<PhotoDetails> photos = new ArrayList<>(ids.size());
        ids.forEach(id -> queries.byId(id).ifPresent(photos::add));
        String next = null;
        if (ids.size() == size && !photos.isEmpty()) {
            PhotoDetails last = photos.get(photos.size() - 1);
            next = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((last.createdAt() + "|" + last.photoId()).getBytes(StandardCharsets.UTF_8));
        }
        return new Page(photos, next);
    }

    /** The text a file name must hold; a name is at most 255 characters (Names), so a longer text finds nothing. */
    private static String nameContains(String name) {
        String text = blankToNull(name) == null ? null : name.strip();
        if (text != null && text.length() > MAX_NAME) {
            throw new BadRequestException("name is the text a file's name holds: at most " + MAX_NAME + " characters");
        }
        return text;
    }

    private static final int MAX_NAME = 255;

    private static LocalDate day(String value, String name) {
        if (blankToNull(value) == null) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new BadRequestException(name + " must be a date such as 2026-07-01, not " + abbreviate(value));
        }
    }

    private static int limit(String limit) {
        try {
            int value = Integer.parseInt(limit.trim());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new BadRequestException("limit must be a number from 1 to " + MAX_LIMIT + ", not " + abbreviate(limit));
    }

    private static String abbreviate(String value) {
        return value.length() > 40 ? value.substring(0, 40) + "..." : value;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
