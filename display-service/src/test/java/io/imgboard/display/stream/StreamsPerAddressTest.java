package io.imgboard.display.stream;

import io.imgboard.display.support.Catalog;
import io.imgboard.display.support.LimitedClients;
import io.imgboard.display.support.Neighbours;
import io.imgboard.infra.testing.LocalInfraResource;
import io.imgboard.support.ClientAddress;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One client may not take every stream place: beyond {@code imgboard.display.max-streams-per-address} (3
 * here) from one address, {@code /api/v1/events} and {@code /api/events} answer 429 with {@code Retry-After}
 * and the reason, while other addresses, and the same one once a stream of it closed, are served. The
 * address is judged as the admin side judges it: 127.0.0.1 is a trusted proxy here, so each caller is the
 * one its {@code X-Forwarded-For} names; the test's own loopback connections without the header are the
 * host itself and not counted (as {@code bench fanout}'s are).
 */
@QuarkusTest
@TestProfile(LimitedClients.class)
@QuarkusTestResource(LocalInfraResource.class)
@QuarkusTestResource(Neighbours.class)
class StreamsPerAddressTest {
    static final int CAP = LimitedClients.STREAMS_PER_ADDRESS;

    @TestHTTPResource("/")
    URI root;

    @Inject
    FrameClients clients;

    private final List<Held> held = new ArrayList<>();
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(String.valueOf(record.getMessage()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** An answered stream request, its connection kept open while the test holds it. */
    private record Held(Socket socket, int status, String head, String body) implements AutoCloseable {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":")) {
                    return line.substring(name.length() + 1).strip();
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Streams of the other tests are gone: each starts with none open. */
    @BeforeEach
    void noStreams() {
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.count() == 0);
        Logger.getLogger(FrameStreams.class.getName()).addHandler(capture);
    }

    @AfterEach
    void hangUp() throws IOException {
        Logger.getLogger(FrameStreams.class.getName()).removeHandler(capture);
        for (Held stream : held) {
            stream.close();
        }
    }

    /** Opens {@code path} as a frame from {@code caller} (null: no X-Forwarded-For): the answer's head, and its body unless 200. */
    private Held open(String path, String caller) throws IOException {
        Socket socket = new Socket(root.getHost(), root.getPort());
        socket.setSoTimeout(30_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n"
                + (caller == null ? "" : "X-Forwarded-For: " + caller + "\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(text.substring(9, 12));
        String body = "";
        if (status != 200) {
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
            body = new String(in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0), StandardCharsets.UTF_8);
        }
        Held stream = new Held(socket, status, text, body);
        held.add(stream);
        return stream;
    }

    @Test
    void beyondItsMostAnAddressGets429WithAReasonWhileAnotherAndTheSameAfterOneClosedAreServed() throws Exception {
        String caller = "198.51.100.7";
        List<Held> first = new ArrayList<>();
        for (int i = 0; i < CAP; i++) {
            Held stream = open("/api/v1/events?frame=default", caller);
            assertEquals(200, stream.status(), stream.head());
            first.add(stream);
        }
        Held refused = open("/api/v1/events?frame=default", caller);
        assertEquals(429, refused.status(), refused.head());
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 10 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertThat(refused.header("Content-Type"), containsString("application/json"));
        Map<?, ?> body = Catalog.JSON.readValue(refused.body(), Map.class);
        assertEquals(429, body.get("status"));
        assertThat((String) body.get("error"), containsString("Too many frame streams from your address"));
        assertThat((String) body.get("error"), containsString("at most " + CAP + " from one address"));
        // img-board's stream counts against the same places
        assertEquals(429, open("/api/events", caller).status());
        assertEquals(429, open("/api/v1/events?frame=default", caller).status());

        // Another address is served; so is the trusted proxy's own loopback, which is not counted.
        assertEquals(200, open("/api/v1/events?frame=default", "198.51.100.8").status());
        assertEquals(200, open("/api/events", "198.51.100.8").status());
        assertEquals(CAP, clients.fromAddress(caller));

        // One stream of the address closes: its place is free again.
        first.get(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.fromAddress(caller) == CAP - 1);
        assertEquals(200, open("/api/v1/events?frame=default", caller).status());

        // Three refusals of one address, one log line (at the first), naming it and the setting.
        List<String> aboutCaller = warnings.stream().filter(w -> w.contains(caller)).toList();
        assertEquals(1, aboutCaller.size(), warnings.toString());
        assertThat(aboutCaller.get(0), containsString("refused (429)"));
        assertThat(aboutCaller.get(0), containsString("imgboard.display.max-streams-per-address=" + CAP));
        assertThat(aboutCaller.get(0), containsString("1 refused from it"));
    }

    @Test
    void theHostItselfIsNotCounted() throws Exception {
        // no X-Forwarded-For: the caller is the peer, 127.0.0.1 (bench fanout's clients, a proxy on this host)
        for (int i = 0; i < CAP + 3; i++) {
            Held stream = open(i % 2 == 0 ? "/api/v1/events?frame=default" : "/api/events", null);
            assertEquals(200, stream.status(), stream.head());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> clients.count() == CAP + 3);
    }

    @Test
    void anIpv6CallerCountsWithItsWholeSlash64() throws Exception {
        for (String suffix : new String[]{"a", "b", "c"}) {
            assertEquals(200, open("/api/v1/events?frame=default", "2001:db8:7:1::" + suffix).status());
        }
        // a privacy address of the same network is the same subscriber
        assertEquals(429, open("/api/v1/events?frame=default", "2001:db8:7:1:8c2e:11ff:fe00:d").status());
        assertEquals(200, open("/api/v1/events?frame=default", "2001:db8:7:2::a").status());
    }

    /** The key itself is ClientAddress's (ClientAddressTest); what the stream cap adds is that this host is not counted. */
    @Test
    void addressesAreKeyedAsClientsAreToldButThisHostIsNotCounted() {
        for (String other : new String[]{"192.0.2.4", "2001:db8:0:1:a:b:c:d"}) {
            assertEquals(ClientAddress.key(ClientAddress.literal(other)), FrameStreams.addressKey(ClientAddress.literal(other)));
        }
        for (String own : new String[]{"127.0.0.1", "127.3.0.9", "::1", "::ffff:127.0.0.1"}) {
            assertNull(FrameStreams.addressKey(ClientAddress.literal(own)), own);
        }
        assertNull(FrameStreams.addressKey(null));
    }
}
