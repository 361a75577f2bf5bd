package io.imgboard.support;

import com.sun.net.httpserver.HttpServer;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import org.junit.jupiter.api.Test;

import javax.net.SocketFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3ClientsTest {

    @Test
    void everySocketTheClientConnectsWithHasNagleOff() throws Exception {
        SocketFactory sockets = S3Clients.noDelaySockets();
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket server = new ServerSocket(0, 50, loopback)) {
            int port = server.getLocalPort();
            List<Socket> made = new ArrayList<>();
            try {
                made.add(sockets.createSocket());
                made.add(sockets.createSocket(loopback.getHostAddress(), port));
                made.add(sockets.createSocket(loopback.getHostAddress(), port, loopback, 0));
                made.add(sockets.createSocket(loopback, port));
                made.add(sockets.createSocket(loopback, port, loopback, 0));
                for (Socket socket : made) {
                    assertTrue(socket.getTcpNoDelay(), "TCP_NODELAY on " + socket);
                }
            } finally {
                for (Socket socket : made) {
                    socket.close();
                }
            }
        }
    }

    /** The client built here talks to the endpoint given, signed with the key and region given. */
    @Test
    void theClientSignsItsRequestsForTheEndpointAndRegionGiven() throws Exception {
        HttpServer s3 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> seen = new ArrayList<>();
        s3.createContext("/", exchange -> {
            synchronized (seen) {
                seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
                        + exchange.getRequestHeaders().getFirst("Authorization"));
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        s3.start();
        try {
            MinioClient client = S3Clients.create("http://127.0.0.1:" + s3.getAddress().getPort(), "imgboard-key",
                    "imgboard-secret", "eu-west-3", Duration.ofSeconds(2), Duration.ofSeconds(5));
            assertTrue(client.bucketExists(BucketExistsArgs.builder().bucket("photos").build()));
            client.close();
        } finally {
            s3.stop(0);
        }
        assertEquals(1, seen.size(), seen.toString());
        String request = seen.get(0);
        assertTrue(request.startsWith("HEAD /photos "), request);
        assertTrue(request.contains("Credential=imgboard-key/") && request.contains("/eu-west-3/s3/aws4_request"), request);
    }
}
