package io.imgboard.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The path a check before routing must judge. Routers forgive a lot: Vert.x resolves {@code .} and
 * {@code ..} and decodes {@code %61}, RESTEasy drops a segment's {@code ;parameters}, and empty
 * segments ({@code //}) match nothing of their own. A check that compared the raw or Vert.x-normalised
 * path with {@code startsWith("/api/admin/")} let {@code //api/admin/config}, {@code /api;x/admin/...}
 * and {@code /api/v1/devices;x} through to the routes it guards. So a guard compares this form: the path
 * percent-decoded once (a {@code %2F} becomes a separator, so a guard errs towards guarding), every
 * segment cut at its first {@code ;}, empty and {@code .} segments dropped, {@code ..} resolved (never
 * above the root), a trailing slash kept. Case is kept: the routes are case-sensitive.
 */
public final class RequestPath {
    private RequestPath() {
    }

    /** {@code raw} (a request's path, a query after {@code ?} ignored) as a guard should compare it. */
    public static String canonical(String raw) {
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        int query = raw.indexOf('?');
        String path = decode(query < 0 ? raw : raw.substring(0, query));
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.split("/")) {
            int semicolon = segment.indexOf(';');
            String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(name);
            }
        }
        String joined = "/" + String.join("/", segments);
        return segments.isEmpty() || !path.endsWith("/") ? joined : joined + "/";
    }

    /** True when {@code path} is {@code prefix} or below it ({@code prefix} without a trailing slash). */
    public static boolean isAtOrUnder(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    /** One round of percent-decoding as UTF-8; a {@code %} not followed by two hex digits stays as it is. */
    public static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            int hi = i + 2 < raw.length && raw[i] == '%' ? Character.digit(raw[i + 1], 16) : -1;
            int lo = hi < 0 ? -1 : Character.digit(raw[i + 2], 16);
            if (lo >= 0) {
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                bytes.write(raw[i]);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
