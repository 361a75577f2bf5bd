package io.imgboard.support;

import io.minio.MinioClient;
import io.minio.http.HttpUtils;
import okhttp3.OkHttpClient;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * The one way a service makes its S3 client: MinIO's client on MinIO's own HTTP defaults (HTTP/1.1,
 * {@code SSL_CERT_FILE}), with the service's timeouts, and every connection made with TCP_NODELAY.
 *
 * <p>Without TCP_NODELAY, Nagle's algorithm held a request body's last short segment back until the
 * server acknowledged the rest, and the server delays that acknowledgement: measured against the
 * S3 server on loopback, a 30 KB PUT (a thumbnail) took 47 ms instead of 5, a 1 MB PUT 57 ms
 * instead of 20. Each PUT is one write of a known length, so nothing is gained by holding bytes back.
 */
public final class S3Clients {
    private S3Clients() {
    }

    /**
     * @param connectTimeout   how long to wait for a connection to the S3 server
     * @param transferTimeout  how long a read or a write may stall (OkHttp's defaults wait minutes)
     */
    public static MinioClient create(String endpoint, String accessKey, String secretKey, String region,
                                     Duration connectTimeout, Duration transferTimeout) {
        OkHttpClient http = HttpUtils.newDefaultHttpClient(connectTimeout.toMillis(), transferTimeout.toMillis(),
                        transferTimeout.toMillis())
                .newBuilder()
                .socketFactory(noDelaySockets())
                .build();
        return MinioClient.builder()
                .endpoint(endpoint)
                .credentials(accessKey, secretKey)
                .region(region)
                .httpClient(http, true)
                .build();
    }

    /** The sockets {@link #create} connects with (TLS is layered on top of them). */
    static SocketFactory noDelaySockets() {
        return new NoDelaySocketFactory(SocketFactory.getDefault());
    }

    private static final class NoDelaySocketFactory extends SocketFactory {
        private final SocketFactory sockets;

        NoDelaySocketFactory(SocketFactory sockets) {
            this.sockets = sockets;
        }

        private static Socket noDelay(Socket socket) throws IOException {
            socket.setTcpNoDelay(true);
            return socket;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(sockets.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(sockets.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(sockets.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(sockets.createSocket(address, port, localAddress, localPort));
        }
    }
}
