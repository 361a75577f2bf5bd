package io.imgboard.infra.testing;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SseClientTest {

    /** An event looked for after it came is dated when it came (what the pipeline bench relies on). */
    @Test
    void anEventIsDatedWhenItArrivedNotWhenItWasLookedFor() throws Exception {
        CountDownLatch sendSecond = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        AtomicLong secondSentAt = new AtomicLong();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/events", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("id:1\nevent:first\ndata:a\n\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                if (sendSecond.await(30, TimeUnit.SECONDS)) {
                    secondSentAt.set(System.currentTimeMillis());
                    out.write("id:2\nevent:second\ndata:b\n\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                done.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        try (SseClient client = SseClient.open(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events"))) {
            client.await(SseClient.named("first"));
            sendSecond.countDown();
            client.await(SseClient.named("second"));
            long seen = System.currentTimeMillis();

            SseClient.Arrival arrival = client.awaitArrival(SseClient.named("second"), Duration.ofSeconds(5));
            assertEquals("b", arrival.event().data());
            assertTrue(arrival.atMillis() >= secondSentAt.get() && arrival.atMillis() <= seen,
                    "arrived at " + arrival.atMillis() + ", sent at " + secondSentAt.get() + ", seen by " + seen);
            assertEquals(arrival.atMillis(), client.awaitArrival(SseClient.named("second"), Duration.ofSeconds(5)).atMillis(),
                    "the same arrival however often it is looked for");
        } finally {
            done.countDown();
            server.stop(0);
        }
    }
}
