package io.imgboard.ingest.rest;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A WebDAV request path, taken apart and confined. The mount ({@code /dav} or a Nextcloud-style
 * {@code /remote.php/dav/files/<user>}) is split off; the rest is percent-decoded segment by segment
 * and refused when a client could use it to leave its tree or confuse the index: {@code .} and
 * {@code ..}, NUL and other control characters, backslashes, encoded slashes, empty segments,
 * names over 255 bytes, paths over 1,024 characters. Names are kept in Unicode NFC, as Nextcloud keeps
 * them: macOS sends "é" as "e" and a combining accent (NFD), iOS, Android and Windows as one character,
 * and a name sent either way must be the same file, not two (nor one that the other cannot delete).
 *
 * @param mount the raw mount, for building hrefs in answers
 * @param path  {@code "/a/b"} decoded, without a trailing slash; {@code ""} for the root
 */
record DavPath(String mount, String path) {
    static final int MAX_SEGMENT_BYTES = 255;
    static final int MAX_PATH_CHARS = 1024;
    private static final Pattern MOUNT = Pattern.compile(
            "^(/dav|/remote\\.php/dav/files/[^/]+|/remote\\.php/dav/uploads/[^/]+|/remote\\.php/webdav)(/.*)?$");

    /** A path no client may use; the message says why. */
    static final class BadPath extends Exception {
        BadPath(String message) {
            super(message);
        }
    }

    /** Nextcloud chunked upload v2's staging area ({@code /remote.php/dav/uploads/<user>/<id>/<chunk>}), not a file tree. */
    boolean isUploadArea() {
        return mount.startsWith("/remote.php/dav/uploads/");
    }

    static boolean isDav(String rawPath) {
        return rawPath != null && MOUNT.matcher(rawPath).matches();
    }

    /** @param rawPath the request's path as sent, still percent-encoded, without the query */
    static DavPath parse(String rawPath) throws BadPath {
        Matcher m = rawPath == null ? null : MOUNT.matcher(rawPath);
        if (m == null || !m.matches()) {
            throw new BadPath("not a WebDAV path: use /dav/...");
        }
        String rest = m.group(2) == null ? "" : m.group(2);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        StringBuilder path = new StringBuilder();
        if (!rest.isEmpty()) {
            for (String raw : rest.substring(1).split("/", -1)) {
                path.append('/').append(segment(raw));
            }
        }
        if (path.length() > MAX_PATH_CHARS) {
            throw new BadPath("path too long: " + path.length() + " characters, at most " + MAX_PATH_CHARS);
        }
        return new DavPath(m.group(1), path.toString());
    }

    /** A {@code Destination} header: an absolute URI or an absolute path, on this server's same mount kind. */
    static DavPath destination(String header) throws BadPath {
        return parse(destinationUri(header).getRawPath());
    }

    /**
     * A {@code Destination} that must name this server: an absolute URI with another scheme, host or port
     * is {@link OtherServer} (RFC 4918 9.8.5 and 9.9.4: 502 Bad Gateway), never applied inside this tree.
     *
     * @param scheme    the scheme the request came in on ({@code http} or {@code https})
     * @param authority the request's {@code Host} ({@code host} or {@code host:port}); null when it has none
     */
    static DavPath destination(String header, String scheme, String authority) throws BadPath, OtherServer {
        URI uri = destinationUri(header);
        // Another server first: its paths are its own, whatever this one would make of them.
        if (uri.getRawAuthority() != null || uri.getScheme() != null) {
            String named = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (named != null && !named.equals("http") && !named.equals("https")) {
                throw new BadPath("the Destination must be a path or an http(s) URL on this server, not a " + named + ": URL");
            }
            if (named != null && !named.equals(scheme)) {
                throw new OtherServer(header.strip());
            }
            if (authority != null && uri.getRawAuthority() != null) {
                String effectiveScheme = named != null ? named : scheme;
                if (!sameHostAndPort(uri, effectiveScheme, authority)) {
                    throw new OtherServer(header.strip());
                }
            }
        }
        return parse(uri.getRawPath());
    }

    private static URI destinationUri(String header) throws BadPath {
        if (header == null || header.isBlank()) {
            throw new BadPath("no Destination header");
        }
        String raw;
        URI uri;
        try {
            uri = new URI(header.strip());
            raw = uri.getRawPath();
        } catch (URISyntaxException e) {
            throw new BadPath("the Destination header is not a URI");
        }
        if (raw == null || !raw.startsWith("/")) {
            throw new BadPath("the Destination header has no absolute path");
        }
        return uri;
    }

    private static boolean sameHostAndPort(URI destination, String scheme, String authority) {
        URI own;
        try {
            own = new URI(scheme + "://" + authority + "/");
        } catch (URISyntaxException e) {
            return true; // a Host header we cannot read: nothing to compare against
        }
        String host = destination.getHost();
        if (host == null || own.getHost() == null || !host.equalsIgnoreCase(own.getHost())) {
            return false;
        }
        return port(destination, scheme) == port(own, scheme);
    }

    private static int port(URI uri, String scheme) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    }

    /** The Destination names another server (scheme, host or port): this one does not copy or move there. */
    static final class OtherServer extends Exception {
        OtherServer(String destination) {
            super("the Destination " + destination + " is on another server; copies and moves stay on this one");
        }
    }

    private static String segment(String raw) throws BadPath {
        if (raw.isEmpty()) {
            throw new BadPath("empty path segment (//): paths are relative to the WebDAV root");
        }
        String decoded = java.text.Normalizer.normalize(decode(raw), java.text.Normalizer.Form.NFC);
        if (decoded.equals(".") || decoded.equals("..")) {
            throw new BadPath("'" + decoded + "' is not allowed in a path");
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new BadPath(c == 0 ? "NUL is not allowed in a path" : "control characters are not allowed in a path");
            }
            if (c == '/' || c == '\\') {
                throw new BadPath("a name may not contain '/' or '\\'");
            }
        }
        if (decoded.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
            throw new BadPath("name too long: at most " + MAX_SEGMENT_BYTES + " bytes");
        }
        return decoded;
    }

    private static String decode(String raw) throws BadPath {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw new BadPath("broken percent-encoding in the path");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new BadPath("broken percent-encoding in the path");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(b, 0, b.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new BadPath("the path is not UTF-8");
        }
    }

    /** The href of a path under this mount, each segment percent-encoded; collections end with '/'. */
    String href(String entryPath, boolean collection) {
        StringBuilder out = new StringBuilder(mount);
        for (String s : segments(entryPath)) {
            out.append('/').append(encode(s));
        }
        if (collection) {
            out.append('/');
        }
        return out.toString();
    }

    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        if (!path.isEmpty()) {
            for (String s : path.substring(1).split("/")) {
                out.add(s);
            }
        }
        return out;
    }

    static String encode(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    /** The path without its leading slash: what file events carry. */
    String eventPath() {
        return path.isEmpty() ? "" : path.substring(1);
    }
}
