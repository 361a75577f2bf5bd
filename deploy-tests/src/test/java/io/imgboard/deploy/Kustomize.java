package io.imgboard.deploy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization in Java, for the subset deploy/kubernetes uses: {@code resources} (files
 * and folders with a kustomization), {@code namespace}, {@code images} ({@code newName},
 * {@code newTag}), {@code replicas}, and {@code patches} as inline JSON 6902 operations with a
 * {@code target} (kind, name). Anything else in a kustomization fails the render, so the manifests
 * cannot use a feature this renderer would silently skip. Why not kustomize itself: it is a Go
 * program that cannot be installed from the sources these machines allow; where kubectl is
 * present, {@link KubernetesManifestsTest} compares this renderer with {@code kubectl kustomize}.
 */
final class Kustomize {
    static final ObjectMapper YAML = new YAMLMapper();
    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "images",
            "replicas", "patches");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "StorageClass", "PersistentVolume", "IngressClass");

    private Kustomize() {
    }

    /** Every object the kustomization in {@code dir} produces, in order. */
    static List<Map<String, Object>> render(Path dir) throws IOException {
        Path file = dir.resolve("kustomization.yaml");
        Map<String, Object> k = YAML.readValue(file.toFile(), new TypeReference<>() { });
        for (String key : k.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalArgumentException(file + ": '" + key + "' is not supported by this renderer (only "
                        + SUPPORTED + ")");
            }
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object resource : list(k.get("resources"))) {
            Path path = dir.resolve((String) resource).normalize();
            if (Files.isDirectory(path)) {
                objects.addAll(render(path));
            } else {
                objects.addAll(readAll(path));
            }
        }
        for (Object patch : list(k.get("patches"))) {
            applyPatch(objects, map(patch), file);
        }
        for (Object image : list(k.get("images"))) {
            setImage(objects, map(image));
        }
        for (Object replicas : list(k.get("replicas"))) {
            Map<String, Object> r = map(replicas);
            boolean found = false;
            for (Map<String, Object> o : objects) {
                if (List.of("Deployment", "StatefulSet").contains(o.get("kind")) && r.get("name").equals(name(o))) {
                    map(o.get("spec")).put("replicas", r.get("count"));
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException(file + ": replicas for unknown workload " + r.get("name"));
            }
        }
        Object namespace = k.get("namespace");
        if (namespace != null) {
            for (Map<String, Object> o : objects) {
                if (!CLUSTER_SCOPED.contains(o.get("kind"))) {
                    map(o.computeIfAbsent("metadata", m -> new LinkedHashMap<>())).put("namespace", namespace);
                }
            }
        }
        return objects;
    }

    /** Every YAML document in a file, as plain maps (empty documents skipped). */
    static List<Map<String, Object>> readAll(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
            var values = YAML.readValues(parser, new TypeReference<Map<String, Object>>() { });
            while (values.hasNextValue()) {
                Map<String, Object> doc = values.nextValue();
                if (doc != null && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static void applyPatch(List<Map<String, Object>> objects, Map<String, Object> patch, Path file)
            throws IOException {
        Map<String, Object> target = map(patch.get("target"));
        if (target == null || patch.get("patch") == null || patch.size() != 2) {
            throw new IllegalArgumentException(file + ": only patches with target and an inline JSON 6902 patch are supported");
        }
        List<Map<String, Object>> ops = YAML.readValue((String) patch.get("patch"), new TypeReference<>() { });
        int matched = 0;
        for (Map<String, Object> o : objects) {
            if (target.get("kind") != null && !target.get("kind").equals(o.get("kind"))) {
                continue;
            }
            if (target.get("name") != null && !target.get("name").equals(name(o))) {
                continue;
            }
            matched++;
            for (Map<String, Object> op : ops) {
                apply(o, op, file);
            }
        }
        if (matched == 0) {
            throw new IllegalArgumentException(file + ": patch target " + target + " matches nothing");
        }
    }

    @SuppressWarnings("unchecked")
    private static void apply(Map<String, Object> object, Map<String, Object> op, Path file) {
        String path = (String) op.get("path");
        String[] parts = path.substring(1).split("/");
        Object parent = object;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = child(parent, unescape(parts[i]), path, file);
        }
        String last = unescape(parts[parts.length - 1]);
        String kind = (String) op.get("op");
        Object value = op.get("value");
        if (parent instanceof Map<?, ?> m) {
            Map<String, Object> map = (Map<String, Object>) m;
            switch (kind) {
                case "add" -> map.put(last, value);
                case "replace" -> {
                    if (!map.containsKey(last)) {
                        throw new IllegalArgumentException(file + ": replace of missing " + path);
                    }
                    map.put(last, value);
                }
                case "remove" -> {
                    if (map.remove(last) == null) {
                        throw new IllegalArgumentException(file + ": remove of missing " + path);
                    }
                }
                default -> throw new IllegalArgumentException(file + ": unsupported op " + kind);
            }
        } else if (parent instanceof List<?> l) {
            List<Object> list = (List<Object>) l;
            int index = last.equals("-") ? list.size() : Integer.parseInt(last);
            switch (kind) {
                case "add" -> list.add(index, value);
                case "replace" -> list.set(index, value);
                case "remove" -> list.remove(index);
                default -> throw new IllegalArgumentException(file + ": unsupported op " + kind);
            }
        } else {
            throw new IllegalArgumentException(file + ": " + path + " does not lead into an object or list");
        }
    }

    private static Object child(Object parent, String key, String path, Path file) {
        Object next = parent instanceof Map<?, ?> m ? m.get(key)
                : parent instanceof List<?> l ? l.get(Integer.parseInt(key)) : null;
        if (next == null) {
            throw new IllegalArgumentException(file + ": " + path + " does not exist");
        }
        return next;
    }

    private static String unescape(String part) {
        return part.replace("~1", "/").replace("~0", "~");
    }

    private static void setImage(List<Map<String, Object>> objects, Map<String, Object> image) {
        String name = (String) image.get("name");
        for (Map<String, Object> o : objects) {
            Map<String, Object> spec = map(o.get("spec"));
            Map<String, Object> template = spec == null ? null : map(spec.get("template"));
            Map<String, Object> podSpec = template == null ? null : map(template.get("spec"));
            if (podSpec == null) {
                continue;
            }
            for (String key : List.of("initContainers", "containers")) {
                for (Object c : list(podSpec.get(key))) {
                    Map<String, Object> container = map(c);
                    String current = (String) container.get("image");
                    String repo = current.contains(":") ? current.substring(0, current.lastIndexOf(':')) : current;
                    if (repo.equals(name)) {
                        String newName = image.containsKey("newName") ? (String) image.get("newName") : repo;
                        String tag = image.containsKey("newTag") ? String.valueOf(image.get("newTag"))
                                : current.contains(":") ? current.substring(current.lastIndexOf(':') + 1) : null;
                        container.put("image", tag == null ? newName : newName + ":" + tag);
                    }
                }
            }
        }
    }

    static String name(Map<String, Object> object) {
        Map<String, Object> metadata = map(object.get("metadata"));
        return metadata == null ? null : (String) metadata.get("name");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    static List<?> list(Object value) {
        return value == null ? List.of() : (List<?>) value;
    }
}
