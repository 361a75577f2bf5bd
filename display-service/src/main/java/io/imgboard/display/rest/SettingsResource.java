package io.imgboard.display.rest;

import io.imgboard.support.ErrorBody;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgboard.display.service.CompatConfig;
import io.imgboard.display.service.FrameSettings;
import io.imgboard.display.service.Settings;
import io.imgboard.events.RenditionSpec;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The admin page's settings: how frames show photos (kept on the settings topic) and the rendition
 * boxes and qualities (kept by the ledger, which starts a reprocess when a box changes). Admin token only.
 */
@Path("/api/v1/admin/settings")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "admin")
@AdminOnly
public class SettingsResource {
    private final Settings settings;
    private final CompatConfig config;

    SettingsResource(Settings settings, CompatConfig config) {
        this.settings = settings;
        this.config = config;
    }

    /** The body of GET and PUT: {@code {"frames":{…},"renditions":[{name,width,height,quality}…]}}; PUT may send either part. */
    public record Body(FrameSettings frames, List<RenditionSize> renditions, Boolean reprocessing) {
    }

    /** One rendition's box and WebP quality, as the ledger keeps it. */
    public record RenditionSize(String name, int width, int height, int quality) {
        static List<RenditionSize> of(ArrayNode renditions) {
            List<RenditionSize> sizes = new ArrayList<>();
            renditions.forEach(r -> sizes.add(new RenditionSize(r.path("name").asText(), r.path("width").asInt(),
                    r.path("height").asInt(), r.path("quality").asInt())));
            return sizes;
        }
    }

    @GET
    @Operation(summary = "Frame settings and rendition sizes; renditions is null when the ledger cannot be asked")
    public Body get() {
        try {
            settings.awaitLoaded(); // the page saves the whole form back: never show it the defaults by mistake
        } catch (IllegalStateException e) {
            throw new WebApplicationException(ErrorBody.response(503, "The settings could not be read: " + e.getMessage()));
        }
        ArrayNode renditions;
        try {
            renditions = config.renditions();
        } catch (CompatConfig.Unavailable e) {
            renditions = null;
        }
        return new Body(settings.current(), renditions == null ? null : RenditionSize.of(renditions), null);
    }

    @PUT
    @Operation(summary = "Save frame settings and/or rendition sizes; 400 with a reason a person understands")
    public Response put(JsonNode body) {
        if (body == null || !body.isObject()) {
            return ErrorBody.response(400, "Send a JSON object with \"frames\" and/or \"renditions\".");
        }
        try {
            return settings.exclusively(() -> {
                FrameSettings next = null;
                if (body.hasNonNull("frames")) {
                    next = merge(settings.current(), body.get("frames"));
                    next.validate().ifPresent(reason -> {
                        throw new CompatConfig.Rejected(400, reason);
                    });
                }
                Boolean reprocessing = null;
                ArrayNode renditions = null;
                if (body.hasNonNull("renditions")) {
                    renditions = checkRenditions(body.get("renditions"), config.renditions());
                }
                JsonNode answer = config.saveTogether(next, renditions);
                if (renditions != null) {
                    reprocessing = answer != null && answer.path("reprocessing").asBoolean(false);
                }
                return Response.ok(new Body(settings.current(), renditions == null ? null : RenditionSize.of(renditions),
                        reprocessing)).build();
            });
        } catch (CompatConfig.Rejected | IllegalArgumentException e) {
            return ErrorBody.response(400, e.getMessage());
        } catch (CompatConfig.Unavailable | IllegalStateException e) {
            return ErrorBody.response(503, "The settings could not be saved: " + e.getMessage());
        }
    }

    private static FrameSettings merge(FrameSettings current, JsonNode patch) {
        if (!patch.isObject()) {
            throw new CompatConfig.Rejected(400, "\"frames\" must be an object.");
        }
        Map<String, String> values = new java.util.LinkedHashMap<>(current.toValues());
        Set<String> known = values.keySet();
        var fields = patch.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            if (!known.contains(field.getKey())) {
                throw new CompatConfig.Rejected(400, "There is no frame setting called \"" + field.getKey() + "\".");
            }
            JsonNode value = field.getValue();
            boolean flag = field.getKey().startsWith("show");
            boolean number = field.getKey().endsWith("Ms");
            // A whole number too large for a long is no number of milliseconds either; parsed, it would
            // answer with the parser's message instead of this one.
            boolean whole = value.isIntegralNumber() && value.canConvertToLong();
            if (flag && !value.isBoolean() || number && !whole || !flag && !number && !value.isTextual()) {
                throw new CompatConfig.Rejected(400, "The setting \"" + field.getKey() + "\" must be "
                        + (flag ? "true or false." : number ? "a whole number of milliseconds." : "text."));
            }
            values.put(field.getKey(), value.asText());
        }
        FrameSettings merged = new FrameSettings(Long.parseLong(values.get("intervalMs")), values.get("order"),
                Long.parseLong(values.get("reshuffleIntervalMs")), values.get("transition"),
                Long.parseLong(values.get("transitionMs")), values.get("fit"), Boolean.parseBoolean(values.get("showDate")),
                Boolean.parseBoolean(values.get("showYearsAgo")));
        return merged;
    }

    /**
     * Every rendition the ledger knows, each once, each by the rule the ledger saves it by
     * ({@link RenditionSpec#check}): refused here, before the frame settings of the same request are saved.
     */
    static ArrayNode checkRenditions(JsonNode wanted, ArrayNode current) {
        if (!wanted.isArray()) {
            throw new CompatConfig.Rejected(400, "\"renditions\" must be a list.");
        }
        Set<String> names = new HashSet<>();
        current.forEach(r -> names.add(r.path("name").asText()));
        Set<String> seen = new HashSet<>();
        ArrayNode checked = current.arrayNode();
        for (JsonNode r : wanted) {
            String name = r.path("name").asText("");
            if (!names.contains(name)) {
                throw new CompatConfig.Rejected(400, "There is no rendition called \"" + name + "\".");
            }
            if (!seen.add(name)) {
                throw new CompatConfig.Rejected(400, "The rendition \"" + name + "\" is listed twice.");
            }
            String pixels = "a whole number of pixels from 1 to " + RenditionSpec.MAX_SIDE;
            RenditionSpec spec = new RenditionSpec(name, number(r, "width", name, pixels), number(r, "height", name, pixels),
                    number(r, "quality", name, "a whole number from 1 to 100"));
            try {
                spec.check();
            } catch (IllegalArgumentException e) {
                throw new CompatConfig.Rejected(400, e.getMessage());
            }
            ObjectNode copy = checked.addObject();
            copy.put("name", name).put("width", spec.width()).put("height", spec.height()).put("quality", spec.quality());
        }
        for (JsonNode r : current) {
            if (!seen.contains(r.path("name").asText())) {
                checked.add(r.deepCopy());
            }
        }
        return checked;
    }

    /** The value as a number; whether the rendition may have it is {@link RenditionSpec#check}'s to say. */
    private static int number(JsonNode rendition, String key, String name, String what) {
        JsonNode value = rendition.get(key);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new CompatConfig.Rejected(400, "The " + key + " of \"" + name + "\" must be " + what + ".");
        }
        return value.asInt();
    }
}
