package io.imgboard.display.rest;

import io.imgboard.support.ErrorBody;
import com.fasterxml.jackson.databind.JsonNode;
import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.frames.FrameBags;
import io.imgboard.display.service.frames.FrameDefinition;
import io.imgboard.display.service.frames.FrameFilter;
import io.imgboard.display.service.frames.Frames;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named frames ({@code /frames/<name>}): their settings over the display's and their filter, kept on the
 * settings topic ({@link Frames}). Admin token only; frames themselves read their window from
 * {@code /api/v1/frames/<name>/next} (see {@code FrameWindowResource}), which is not under this class.
 */
@Path("/api/v1/frames")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class FramesResource {
    private static final Set<String> BODY = Set.of("settings", "filter");
    private static final Set<String> FILTER = Set.of("sources", "devices", "from", "to", "onThisDay");

    private final Frames frames;
    private final FrameBags bags;
    private final com.fasterxml.jackson.databind.ObjectMapper json;

    FramesResource(Frames frames, FrameBags bags, com.fasterxml.jackson.databind.ObjectMapper json) {
        this.frames = frames;
        this.bags = bags;
        this.json = json;
    }

    /**
     * One frame: {@code settings} as it runs (the display's with its overrides), {@code overrides} what it
     * sets itself (typed as in {@code settings}: an interval is a number), {@code filter} which photos it shows,
     * {@code photos} how many it takes now and {@code notices} what a person should know about that: a source or
     * device its filter names that no photo comes from, or no photo at all ({@link FrameBags.Reach}).
     */
    public record FrameView(String name, FrameSettings settings, Map<String, Object> overrides, FrameFilter filter,
                            int photos, List<String> notices) {
    }

    /** Thrown while reading a body: the reason for a person. */
    private static final class Rejected extends RuntimeException {
        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    @GET
    @Operation(summary = "Every named frame, default first")
    public List<FrameView> list() {
        List<FrameDefinition> all = frames.all();
        Map<String, FrameBags.Reach> reach = bags.reach(all);
        return all.stream().map(frame -> view(frame, reach.get(frame.name()))).toList();
    }

    @GET
    @Path("{name}")
    @Operation(summary = "One named frame; 404 when there is none")
    public Response get(@PathParam("name") String name) {
        return frames.find(name).map(frame -> Response.ok(view(frame)).build()).orElseGet(() -> missing(name));
    }

    @PUT
    @Path("{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a named frame: {\"settings\":{…overrides…},\"filter\":{…}}; {} = the defaults")
    public Response put(@PathParam("name") String name, JsonNode body) {
        if (!Frames.validName(name)) {
            return ErrorBody.response(400, "\"" + name + "\" cannot be a frame name: use 1 to 40 characters a-z, 0-9"
                    + " and '-', starting with a letter or digit.");
        }
        FrameDefinition frame;
        try {
            frame = read(name, body);
        } catch (Rejected e) {
            return ErrorBody.response(400, e.getMessage());
        }
        boolean existed = frames.find(name).isPresent() && !Frames.DEFAULT.equals(name);
        try {
            frames.save(frame);
        } catch (IllegalArgumentException e) {
            return ErrorBody.response(400, e.getMessage());
        } catch (IllegalStateException e) {
            return ErrorBody.response(503, "The frame could not be saved: " + e.getMessage());
        }
        return Response.status(existed || Frames.DEFAULT.equals(name) ? 200 : 201).entity(view(frame)).build();
    }

    @DELETE
    @Path("{name}")
    @Operation(summary = "Delete a named frame (for default: drop its overrides and filter); 404 when there is none")
    public Response delete(@PathParam("name") String name) {
        if (frames.find(name).isEmpty()) {
            return missing(name);
        }
        try {
            frames.delete(name);
        } catch (IllegalStateException e) {
            return ErrorBody.response(503, "The frame could not be deleted: " + e.getMessage());
        }
        bags.forget(name);
        return Response.noContent().build();
    }

    private FrameView view(FrameDefinition frame) {
        return view(frame, bags.reach(List.of(frame)).get(frame.name()));
    }

    private FrameView view(FrameDefinition frame, FrameBags.Reach reach) {
        FrameSettings effective = frames.effective(frame);
        com.fasterxml.jackson.databind.JsonNode typed = json.valueToTree(effective);
        Map<String, Object> overrides = new LinkedHashMap<>();
        frame.settings().forEach((key, value) -> overrides.put(key, typed.has(key) ? typed.get(key) : value));
        return new FrameView(frame.name(), effective, overrides, frame.filter(), reach.photos(), reach.notices());
    }

    private static Response missing(String name) {
        return ErrorBody.response(404, "There is no frame called \"" + name + "\".");
    }

    static FrameDefinition read(String name, JsonNode body) {
        if (body == null || body.isNull()) {
            return FrameDefinition.empty(name);
        }
        if (!body.isObject()) {
            throw new Rejected("Send a JSON object: {\"settings\":{…},\"filter\":{…}} (or {} for the defaults).");
        }
        unknown(body, BODY, "a frame");
        Map<String, String> overrides = new LinkedHashMap<>();
        JsonNode settings = body.get("settings");
        if (settings != null && !settings.isNull()) {
            if (!settings.isObject()) {
                throw new Rejected("\"settings\" must be an object of the settings this frame overrides.");
            }
            Set<String> known = FrameSettings.DEFAULTS.toValues().keySet();
            settings.fields().forEachRemaining(field -> {
                String key = field.getKey();
                JsonNode value = field.getValue();
                if (!known.contains(key)) {
                    throw new Rejected("There is no frame setting called \"" + key + "\"; the settings are " + known + ".");
                }
                boolean flag = key.startsWith("show");
                boolean number = key.endsWith("Ms");
                if (flag && !value.isBoolean() || number && !value.isIntegralNumber() || !flag && !number && !value.isTextual()) {
                    throw new Rejected("The setting \"" + key + "\" must be "
                            + (flag ? "true or false." : number ? "a whole number of milliseconds." : "text."));
                }
                overrides.put(key, value.asText());
            });
        }
        return new FrameDefinition(name, overrides, filter(body.get("filter")));
    }

    private static FrameFilter filter(JsonNode filter) {
        if (filter == null || filter.isNull()) {
            return FrameFilter.NONE;
        }
        if (!filter.isObject()) {
            throw new Rejected("\"filter\" must be an object: {\"sources\":[…],\"devices\":[…],\"from\":\"YYYY-MM-DD\","
                    + "\"to\":\"YYYY-MM-DD\",\"onThisDay\":true}.");
        }
        unknown(filter, FILTER, "a filter");
        JsonNode onThisDay = filter.get("onThisDay");
        if (onThisDay != null && !onThisDay.isNull() && !onThisDay.isBoolean()) {
            throw new Rejected("The filter's \"onThisDay\" must be true or false.");
        }
        return new FrameFilter(ids(filter, "sources"), ids(filter, "devices"), day(filter, "from"), day(filter, "to"),
                onThisDay != null && onThisDay.asBoolean());
    }

    private static List<String> ids(JsonNode filter, String field) {
        JsonNode list = filter.get(field);
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new Rejected("The filter's \"" + field + "\" must be a list of ids.");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode id : list) {
            if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > 200) {
                throw new Rejected("The filter's \"" + field + "\" must hold ids as text (1 to 200 characters).");
            }
            ids.add(id.asText());
        }
        return ids;
    }

    private static LocalDate day(JsonNode filter, String field) {
        JsonNode value = filter.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        try {
            if (value.isTextual()) {
                return LocalDate.parse(value.asText());
            }
        } catch (DateTimeParseException e) {
            // said below
        }
        throw new Rejected("The filter's \"" + field + "\" must be a day written YYYY-MM-DD.");
    }

    private static void unknown(JsonNode object, Set<String> known, String what) {
        object.fieldNames().forEachRemaining(field -> {
            if (!known.contains(field)) {
                throw new Rejected("\"" + field + "\" is not part of " + what + "; it has " + known + ".");
            }
        });
    }
}
