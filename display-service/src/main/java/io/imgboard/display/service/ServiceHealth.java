package io.imgboard.display.service;

import java.util.List;
import java.util.Map;

/**
 * One service's {@code /q/health} as the ops page shows it.
 *
 * @param status {@code UP}, {@code DOWN}, or {@code UNREACHABLE} when it did not answer
 * @param error  why it is unreachable or unreadable, else null
 */
public record ServiceHealth(String name, String url, String status, List<Check> checks, String error) {

    public static final String UNREACHABLE = "UNREACHABLE";

    /** One MicroProfile Health check: name, status and its data, as the service reported them. */
    public record Check(String name, String status, Map<String, Object> data) {
    }

    public record Report(List<ServiceHealth> services) {
    }
}
