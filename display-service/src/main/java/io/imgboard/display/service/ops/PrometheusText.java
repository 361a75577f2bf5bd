package io.imgboard.display.service.ops;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the few samples the ops page wants from a Prometheus text exposition ({@code /q/metrics}).
 * A hand-written reader because the format's sample lines are simple and no client library is on the
 * display's classpath for parsing (Micrometer only writes the format).
 */
final class PrometheusText {
    private PrometheusText() {
    }

    /**
     * The sum of every sample of {@code name} whose labels include all of {@code labels}; empty
     * when the exposition has no such sample (the counter does not exist there yet).
     */
    static java.util.OptionalDouble sum(String exposition, String name, Map<String, String> labels) {
        double total = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(name)) {
                continue;
            }
            int at = name.length();
            if (at < line.length() && line.charAt(at) != '{' && line.charAt(at) != ' ') {
                continue; // a longer metric name that starts with this one
            }
            Map<String, String> sampleLabels = new LinkedHashMap<>();
            if (at < line.length() && line.charAt(at) == '{') {
                int end = labels(line, at + 1, sampleLabels);
                if (end < 0) {
                    continue;
                }
                at = end + 1;
            }
            if (!sampleLabels.entrySet().containsAll(labels.entrySet())) {
                continue;
            }
            String[] rest = line.substring(at).trim().split("\\s+");
            try {
                double value = Double.parseDouble(rest[0]);
                if (!Double.isNaN(value)) {
                    total += value;
                    found = true;
                }
            } catch (NumberFormatException e) {
                // not a sample line after all
            }
        }
        return found ? java.util.OptionalDouble.of(total) : java.util.OptionalDouble.empty();
    }

    /** Reads {@code a="x",b="y"} from {@code from}; returns the index of the closing brace, or -1. */
    private static int labels(String line, int from, Map<String, String> into) {
        int i = from;
        while (i < line.length()) {
            if (line.charAt(i) == '}') {
                return i;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                return -1;
            }
            String key = line.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2;
            while (j < line.length() && line.charAt(j) != '"') {
                if (line.charAt(j) == '\\' && j + 1 < line.length()) {
                    j++;
                    value.append(line.charAt(j) == 'n' ? '\n' : line.charAt(j));
                } else {
                    value.append(line.charAt(j));
                }
                j++;
            }
            if (j >= line.length()) {
                return -1;
            }
            into.put(key, value.toString());
            i = j + 1;
            if (i < line.length() && line.charAt(i) == ',') {
                i++;
            }
        }
        return -1;
    }
}
