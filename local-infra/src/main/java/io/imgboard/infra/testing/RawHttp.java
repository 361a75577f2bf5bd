package io.imgboard.infra.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The tests' raw HTTP/1.1 client: the test decides every byte of the request. HTTP client libraries
 * tidy a path before they send it ({@code //}, {@code ..}, escapes), which is exactly what a test of a
 * server's path handling must not have done for it.
 */
public final class RawHttp {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

    /** An answer: its status ({@code -1} when none came), its head (status line and headers) and its body. */
    public record Raw(int status, String head, String body) {
        public String contentType() {
            return header("content-type");
        }

        /** The first header of that name (any case), or null. */
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    return line.substring(prefix.length()).strip();
                }
            }
            return null;
        }
    }

    private RawHttp() {
    }

    /**
     * Sends {@code requestLine} (e.g. {@code GET //api/admin/config HTTP/1.1}), {@code Host},
     * {@code Connection: close}, the headers, a {@code Content-Length} unless given, and the body; reads
     * the answer until it is complete or the server closes.
     */
    public static Raw send(String host, int port, String requestLine, List<String> headers, byte[] body) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder(requestLine).append("\r\nHost: localhost\r\nConnection: close\r\n");
            boolean hasLength = false;
            for (String h : headers) {
                head.append(h).append("\r\n");
                hasLength |= h.toLowerCase(Locale.ROOT).startsWith("content-length:");
            }
            if (!hasLength) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            out.write(head.toString().getBytes(StandardCharsets.UTF_8));
            try {
                out.write(body);
                out.flush();
            } catch (IOException refusedWhileSending) {
                // the server may answer and close before the body is in; read what it said
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            try {
                while ((n = in.read(buffer)) > 0) {
                    all.write(buffer, 0, n);
                    if (all.size() > 4 * 1024 * 1024 || complete(all.toString(StandardCharsets.ISO_8859_1))) {
                        break;
                    }
                }
            } catch (IOException reset) {
                // a reset after the answer: keep what arrived
            }
            String text = all.toString(StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            String h = split < 0 ? text : text.substring(0, split);
            String b = split < 0 ? "" : text.substring(split + 4);
            int status = h.startsWith("HTTP/1.1 ") && h.length() >= 12 ? Integer.parseInt(h.substring(9, 12)) : -1;
            return new Raw(status, h, b);
        }
    }

    /**
     * Opens a connection and sends {@code head} (a request line and headers declaring a body, up to the blank
     * line) and the first bytes of a JPEG, then nothing more: a body the server is still waiting for. The
     * caller closes the socket.
     */
    public static Socket stalled(String host, int port, String head) throws IOException {
        Socket socket = new Socket(host, port);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF});
            out.flush();
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * True when the bytes hold a whole answer with a {@code Content-Length}: the server may keep the
     * connection open after a refusal (it does not read the refused body), so waiting for it to
     * close only measures its idle timeout.
     */
    private static boolean complete(String text) {
        int split = text.indexOf("\r\n\r\n");
        if (split < 0) {
            return false;
        }
        Matcher length = CONTENT_LENGTH.matcher(text.substring(0, split));
        return length.find() && text.length() - split - 4 >= Long.parseLong(length.group(1));
    }
}
