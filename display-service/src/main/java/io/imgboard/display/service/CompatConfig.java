package io.imgboard.display.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.imgboard.display.config.AdminConfig;
import io.imgboard.events.RenditionSpec;
import io.imgboard.display.service.frames.Frames;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * img-board's config document ({@code GET/POST /api/admin/config}, IMG-BOARD-API.md sections 4 and 5)
 * over the frame settings and the ledger's {@code display} rendition. Holds no state of its own:
 * mapped keys always show the live values, read-only keys the deployment's.
 */
@ApplicationScoped
public class CompatConfig {
    /** Extensions and MIME types img-board's upload route accepts (section 2.1); widened only together. */
    public static final List<String> INPUT_EXTENSIONS = List.of(".jpg", ".jpeg", ".png");
    public static final List<String> INPUT_TYPES = List.of("image/jpeg", "image/png");
    static final String DISPLAY = "display";
    private static final Duration LEDGER_WAIT = Duration.ofSeconds(10);

    /** A request img-board would answer 400 (or the given status) with this {@code error}. */
    public static final class Rejected extends RuntimeException {
        private final int status;

        public Rejected(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The configuration could not be read (503) or stored (500); {@code getMessage()} is the one-line reason. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    /** The answer to a POST. */
    public record Outcome(boolean reprocessing) {
    }

    private final Settings settings;
    private final Frames frames;
    private final Upstreams upstreams;
    private final List<String> allowedNetworks;
    private final int port;
    private final boolean https;
    private volatile ArrayNode knownRenditions;

    CompatConfig(Settings settings, Frames frames, Upstreams upstreams, AdminConfig admin,
                 @ConfigProperty(name = "quarkus.http.port", defaultValue = "8080") int port,
                 @ConfigProperty(name = "imgboard.tls.cert") Optional<String> tlsCert) {
        this.settings = settings;
        this.frames = frames;
        this.upstreams = upstreams;
        this.allowedNetworks = admin.allowedNetworks().orElse(List.of());
        this.port = port;
        this.https = tlsCert.filter(c -> !c.isBlank()).isPresent();
    }

    /**
     * The whole document, every key of section 4. Right after start-up it waits for the saved settings
     * (a script that GETs, edits and POSTs back must not write the defaults over them).
     */
    public ObjectNode document() {
        try {
            settings.awaitLoaded();
        } catch (IllegalStateException e) {
            throw new Unavailable(e.getMessage());
        }
        return document(renditions());
    }

    private ObjectNode document(ArrayNode renditions) {
        FrameSettings frames = this.frames.defaultSettings();
        JsonNode display = display(renditions);
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode doc = f.objectNode();
        doc.put("imagePath", "/mnt/photos/processed");
        doc.set("imageExtensions", f.arrayNode().add(".webp"));
        doc.put("slideshowInterval", frames.intervalMs());
        doc.put("randomOrder", frames.randomOrder());
        doc.put("reshuffleInterval", frames.reshuffleIntervalMs());
        doc.put("recursive", false);
        doc.put("port", port);
        ObjectNode tls = doc.putObject("https");
        tls.put("enabled", https);
        tls.put("cert", "/path/to/cert.pem");
        tls.put("key", "/path/to/key.pem");
        ObjectNode admin = doc.putObject("admin");
        admin.put("enabled", true);
        ArrayNode allowed = admin.putArray("allowedIPs");
        allowedNetworks.forEach(allowed::add);
        ObjectNode pre = doc.putObject("preprocessing");
        pre.put("enabled", true);
        pre.put("rawImagePath", "/mnt/photos/raw");
        pre.put("processedImagePath", "/mnt/photos/processed");
        pre.put("archivePath", "/mnt/photos/archive");
        pre.put("keepOriginals", true);
        ArrayNode inputs = pre.putArray("inputExtensions");
        INPUT_EXTENSIONS.forEach(inputs::add);
        pre.put("outputFormat", "webp");
        pre.put("quality", display.path("quality").asInt());
        pre.put("targetWidth", display.path("width").asInt());
        pre.put("targetHeight", display.path("height").asInt());
        return doc;
    }

    /**
     * Section 5: deep-merges {@code patch} onto the current document, checks the result (the first
     * failure rejects everything) and applies it whole or not at all ({@link #saveTogether}). Runs one at a time.
     */
    public Outcome update(ObjectNode patch) {
        try {
            settings.awaitLoaded();
        } catch (IllegalStateException e) {
            throw new Unavailable(e.getMessage());
        }
        return settings.exclusively(() -> {
            ArrayNode renditions = renditions();
            ObjectNode before = document(renditions);
            ObjectNode merged = before.deepCopy();
            merge(merged, patch);
            validate(merged, before);

            // The document is the slideshow at / (the default frame); a key the request changes is set on the
            // display's settings, and / follows them for it again (a default frame's own value would hide it).
            FrameSettings current = settings.current();
            FrameSettings next = current;
            java.util.Set<String> followed = new java.util.HashSet<>();
            if (!merged.get("slideshowInterval").equals(before.get("slideshowInterval"))) {
                next = next.withIntervalMs(merged.get("slideshowInterval").longValue());
                followed.add("intervalMs");
            }
            if (!merged.get("randomOrder").equals(before.get("randomOrder"))) {
                boolean random = merged.get("randomOrder").booleanValue();
                next = next.withOrder(random ? "shuffle" : current.randomOrder() ? "captured" : current.order());
                followed.add("order");
            }
            if (!merged.get("reshuffleInterval").equals(before.get("reshuffleInterval"))) {
                next = next.withReshuffleIntervalMs(merged.get("reshuffleInterval").longValue());
                followed.add("reshuffleIntervalMs");
            }
            next.validate().ifPresent(reason -> {
                throw new Rejected(400, reason);
            });

            JsonNode pre = merged.get("preprocessing");
            JsonNode old = before.get("preprocessing");
            boolean boxChanged = pre.get("targetWidth").longValue() != old.get("targetWidth").longValue()
                    || pre.get("targetHeight").longValue() != old.get("targetHeight").longValue();
            ArrayNode changed = null;
            if (boxChanged || pre.get("quality").longValue() != old.get("quality").longValue()) {
                changed = renditions.deepCopy();
                for (JsonNode rendition : changed) {
                    if (DISPLAY.equals(rendition.path("name").asText())) {
                        ((ObjectNode) rendition).put("width", pre.get("targetWidth").intValue())
                                .put("height", pre.get("targetHeight").intValue())
                                .put("quality", pre.get("quality").intValue());
                    }
                }
            }
            saveTogether(next, changed);
            try {
                frames.followDisplayFor(followed);
            } catch (RuntimeException e) {
                throw new Unavailable("the settings are saved, but the frame at / keeps its own value for "
                        + followed + " until it can be stored: " + e.getMessage());
            }
            return new Outcome(boxChanged);
        });
    }

    /**
     * Saves frame settings and the ledger's rendition set as one change, whole or not at all (the
     * admin page and img-board's config route both): the frame settings first, because they alone can
     * be taken back cheaply, then the renditions, whose change starts a reprocess of the library; when
     * the ledger does not take them, the frame settings saved a moment before are taken back. Call it
     * inside {@link Settings#exclusively}.
     *
     * @param next       the frame settings to save, or null for none
     * @param renditions the rendition set to {@code PUT}, or null for none
     * @return the ledger's answer to the {@code PUT}, or null when none was sent
     * @throws Rejected    a value the settings or the ledger refuse (400)
     * @throws Unavailable the broker or the ledger could not be reached; nothing of the change stays
     */
    public JsonNode saveTogether(FrameSettings next, ArrayNode renditions) {
        FrameSettings before = settings.current();
        if (next != null) {
            try {
                settings.save(next);
            } catch (IllegalArgumentException e) {
                throw new Rejected(400, e.getMessage());
            } catch (RuntimeException e) {
                throw new Unavailable(e.getMessage());
            }
        }
        if (renditions == null) {
            return null;
        }
        try {
            return putRenditions(renditions);
        } catch (Rejected | Unavailable e) {
            if (next != null) {
                takeBack(before, e);
            }
            throw e;
        }
    }

    /**
     * Restores the frame settings a failed update saved. When even that fails the request's settings
     * stay applied, and the answer says so rather than claim nothing changed.
     */
    private void takeBack(FrameSettings before, RuntimeException failure) {
        try {
            settings.save(before);
        } catch (RuntimeException again) {
            Log.errorf("config update: the renditions were not saved (%s) and the frame settings saved before"
                    + " them could not be taken back: %s", failure.getMessage(), again.getMessage());
            throw new Unavailable(failure.getMessage() + "; the frame settings of this request stay applied, because"
                    + " taking them back failed too: " + again.getMessage());
        }
    }

    /** {@code PUT} the rendition set at the ledger; its own refusals are the caller's 400. */
    public JsonNode putRenditions(ArrayNode renditions) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("renditions", renditions);
        Upstreams.Answer answer;
        try {
            answer = upstreams.putRenditions(body).await().atMost(LEDGER_WAIT);
        } catch (RuntimeException e) {
            throw new Unavailable(e.getMessage());
        }
        if (answer.status() == 400 || answer.status() == 422) {
            throw new Rejected(400, answer.error());
        }
        if (!answer.ok()) {
            throw new Unavailable("the ledger answered " + answer.error() + " when saving the renditions");
        }
        knownRenditions = renditions;
        return answer.body();
    }

    /** The ledger's rendition set; the last one seen when it cannot be asked; {@link Unavailable} before any. */
    public ArrayNode renditions() {
        try {
            Upstreams.Answer answer = upstreams.renditions().await().atMost(LEDGER_WAIT);
            JsonNode list = answer.body() == null ? null : answer.body().get("renditions");
            if (answer.ok() && list instanceof ArrayNode array && display(array) != null) {
                knownRenditions = array;
                return array;
            }
            Log.warnf("ledger renditions: %s", answer.error());
        } catch (RuntimeException e) {
            Log.warnf("ledger renditions: %s", e.getMessage());
        }
        ArrayNode known = knownRenditions;
        if (known == null) {
            throw new Unavailable("the rendition settings could not be read from the ledger");
        }
        return known;
    }

    private static JsonNode display(ArrayNode renditions) {
        for (JsonNode rendition : renditions) {
            if (DISPLAY.equals(rendition.path("name").asText())) {
                return rendition;
            }
        }
        return null;
    }

    /** Objects merge key by key; anything else replaces, a whole number as an integer ({@link #whole}). */
    static void merge(ObjectNode target, JsonNode patch) {
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing instanceof ObjectNode object && field.getValue().isObject()) {
                merge(object, field.getValue());
            } else {
                target.set(field.getKey(), whole(field.getValue()));
            }
        }
    }

    /**
     * {@code 1e4} and {@code 10000.0} are the integer 10000: JSON has one number type, section 5 refuses
     * only fractions (with strings, null and booleans), and JSON written from Python floats sends
     * {@code 10000.0}. Jackson reads both as a double, so such a number becomes here, before validation,
     * the node Jackson makes of {@code 10000} (an int when it fits: the read-only check compares nodes), and
     * every check after it (types, read-only values, ranges) sees the integer. A fraction, or a number
     * beyond a long, stays what it is and is refused as before.
     */
    private static JsonNode whole(JsonNode value) {
        if (!value.isFloatingPointNumber() || !value.canConvertToExactIntegral() || !value.canConvertToLong()) {
            return value;
        }
        JsonNodeFactory f = JsonNodeFactory.instance;
        return value.canConvertToInt() ? f.numberNode(value.intValue()) : f.numberNode(value.longValue());
    }

    private static final List<String> OBJECTS = List.of("https", "admin", "preprocessing");
    private static final List<String> INTEGERS = List.of("slideshowInterval", "reshuffleInterval");
    private static final List<String> NESTED_INTEGERS = List.of("quality", "targetWidth", "targetHeight");
    private static final List<String> MAPPED = List.of("slideshowInterval", "randomOrder", "reshuffleInterval",
            "preprocessing.quality", "preprocessing.targetWidth", "preprocessing.targetHeight");

    /** Section 5 step 3, in its order: unknown keys, read-only keys, types, ranges. */
    static void validate(ObjectNode merged, ObjectNode before) {
        Map<String, JsonNode> known = new LinkedHashMap<>();
        flatten("", before, known);
        unknown("", merged, before);
        Map<String, JsonNode> now = new LinkedHashMap<>();
        flatten("", merged, now);
        for (Map.Entry<String, JsonNode> key : known.entrySet()) {
            if (!MAPPED.contains(key.getKey()) && now.containsKey(key.getKey())
                    && !now.get(key.getKey()).equals(key.getValue())) {
                throw new Rejected(400, key.getKey() + " is read-only");
            }
        }
        for (String key : INTEGERS) {
            integer(key, merged.get(key));
        }
        if (!merged.path("randomOrder").isBoolean()) {
            throw new Rejected(400, "randomOrder must be a boolean");
        }
        for (String key : OBJECTS) {
            if (!(merged.get(key) instanceof ObjectNode)) {
                throw new Rejected(400, key + " must be an object");
            }
        }
        JsonNode pre = merged.get("preprocessing");
        for (String key : NESTED_INTEGERS) {
            integer("preprocessing." + key, pre.get(key));
        }
        if (merged.get("slideshowInterval").longValue() < 1000) {
            throw new Rejected(400, "slideshowInterval must be >= 1000ms");
        }
        if (merged.get("slideshowInterval").longValue() > FrameSettings.MAX_INTERVAL_MS) {
            // no bound in img-board; the frames' own settings have one, said in the original's form
            throw new Rejected(400, "slideshowInterval must be <= " + FrameSettings.MAX_INTERVAL_MS + "ms (24 hours)");
        }
        long quality = pre.get("quality").longValue();
        if (quality < 1 || quality > 100) {
            throw new Rejected(400, "quality must be 1-100");
        }
        for (String side : List.of("targetWidth", "targetHeight")) {
            long value = pre.get(side).longValue();
            if (value < 1) {
                throw new Rejected(400, side + " must be >= 1");
            }
            if (value > RenditionSpec.MAX_SIDE) {
                throw new Rejected(400, side + " must be <= " + RenditionSpec.MAX_SIDE + " (the largest WebP image)");
            }
        }
        if (merged.get("reshuffleInterval").longValue() < 0) {
            throw new Rejected(400, "reshuffleInterval must be >= 0");
        }
    }

    private static void integer(String key, JsonNode value) {
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new Rejected(400, key + " must be an integer");
        }
    }

    /** Keys of {@code merged} that the document does not have, descending only where both sides are objects. */
    private static void unknown(String prefix, JsonNode merged, JsonNode schema) {
        Iterator<Map.Entry<String, JsonNode>> fields = merged.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode expected = schema.get(field.getKey());
            if (expected == null) {
                throw new Rejected(400, "Unknown configuration key: " + prefix + field.getKey());
            }
            if (expected.isObject() && field.getValue().isObject()) {
                unknown(prefix + field.getKey() + ".", field.getValue(), expected);
            }
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> into) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isObject() && OBJECTS.contains(prefix + field.getKey())) {
                flatten(prefix + field.getKey() + ".", field.getValue(), into);
            } else {
                into.put(prefix + field.getKey(), field.getValue());
            }
        }
    }
}
