package io.imgboard.deploy;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one rendered object the way an API server would, offline:
 * <ul>
 *   <li>core kinds through fabric8's typed model (7.7.0, the Quarkus BOM's). fabric8 parks fields it
 *       does not know in {@code additionalProperties} instead of failing, so every non-empty
 *       {@code additionalProperties} anywhere in the object is reported: that is what catches a
 *       misspelt {@code livenessProbe} or {@code pathType};</li>
 *   <li>operator kinds (Strimzi, CloudNativePG, MinIO, KEDA) against the schemas kept in
 *       {@code src/test/resources/crd-schemas/<group>_<version>_<Kind>.json}: hand-written,
 *       minimal schemas of the fields img-board uses, strict ({@code additionalProperties: false})
 *       where a typo would otherwise pass, following each operator's CRD;</li>
 *   <li>anything else is refused: a kind with neither a typed model nor a schema is unchecked.</li>
 * </ul>
 */
final class ManifestValidator {
    private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private ManifestValidator() {
    }

    /** The problems with {@code object}, each naming where; empty when it is valid. */
    static List<String> problems(Map<String, Object> object) throws IOException {
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String kind = String.valueOf(object.get("kind"));
        String where = kind + "/" + Kustomize.name(object);
        List<String> problems = new ArrayList<>();
        String json = Kustomize.JSON.writeValueAsString(object);
        Schema schema = schemaFor(apiVersion, kind);
        if (schema != null) {
            for (Error error : schema.validate(json, InputFormat.JSON)) {
                problems.add(where + ": " + error.getInstanceLocation() + " " + error.getMessage());
            }
            return problems;
        }
        HasMetadata typed = FABRIC8.unmarshal(json);
        if (typed instanceof GenericKubernetesResource) {
            problems.add(where + ": no typed model and no schema for " + apiVersion + " " + kind
                    + " (add crd-schemas/" + schemaFile(apiVersion, kind) + ")");
            return problems;
        }
        if (!typed.getApiVersion().equals(apiVersion)) {
            problems.add(where + ": apiVersion " + apiVersion + " read as " + typed.getApiVersion());
        }
        unknownFields(typed, "", problems, new IdentityHashMap<>());
        problems.replaceAll(p -> p.startsWith(where) ? p : where + ": unknown field " + p);
        return problems;
    }

    private static Schema schemaFor(String apiVersion, String kind) throws IOException {
        try (InputStream in = ManifestValidator.class.getResourceAsStream("/crd-schemas/" + schemaFile(apiVersion, kind))) {
            return in == null ? null : SCHEMAS.getSchema(in, InputFormat.JSON);
        }
    }

    static String schemaFile(String apiVersion, String kind) {
        return apiVersion.replace('/', '_') + "_" + kind + ".json";
    }

    /** Walks fabric8's model through its getters and reports every non-empty additionalProperties. */
    private static void unknownFields(Object node, String path, List<String> problems, IdentityHashMap<Object, Boolean> seen) {
        if (node == null || seen.put(node, Boolean.TRUE) != null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> unknownFields(value, path + "." + key, problems, seen));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(node);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add((path.isEmpty() ? "" : path.substring(1) + ".") + extra.keySet());
                }
                continue;
            }
            String field = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
            unknownFields(value, path + "." + field, problems, seen);
        }
    }
}
