package io.imgboard.display;

import io.imgboard.infra.Endpoints;
import io.imgboard.infra.Ports;
import io.imgboard.infra.testing.LocalInfraResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged display with {@code IMGBOARD_TLS_CERT} / {@code IMGBOARD_TLS_KEY}: HTTPS on its port with
 * a real certificate (made by openssl), and one line plus exit code 1 for a missing or broken file.
 */
class TlsIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private static Process start(Path dir, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", JAR.toAbsolutePath().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("service.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("IMGBOARD_") || k.startsWith("QUARKUS_") || k.startsWith("KAFKA_"));
        builder.environment().putAll(env);
        return builder.start();
    }

    private static String refusal(Path dir, Map<String, String> env) throws Exception {
        Process process = start(dir, env);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "the display kept running");
        String output = Files.readString(dir.resolve("service.log")).strip();
        assertEquals(1, process.exitValue(), output);
        assertEquals(1, output.lines().count(), "one line, no stack trace: " + output);
        assertThat(output, not(containsString("Exception")));
        return output;
    }

    @Test
    void aMissingOrBrokenCertificateOrKeyStopsStartUpWithOneLineNamingTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("nope.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        Path key = openssl(dir)[1];
        // The same sentences as ingest's (io.imgboard.support.TlsFiles, TlsFilesTest has them all).
        assertEquals("img-board display cannot start: IMGBOARD_TLS_CERT " + missing + ": no such file",
                refusal(dir, Map.of("IMGBOARD_TLS_CERT", missing.toString(), "IMGBOARD_TLS_KEY", key.toString())));
        assertThat(refusal(dir, Map.of("IMGBOARD_TLS_CERT", garbage.toString(), "IMGBOARD_TLS_KEY", key.toString())),
                containsString("IMGBOARD_TLS_CERT " + garbage + ": not a PEM certificate"));
        Path cert = openssl(dir)[0];
        assertThat(refusal(dir, Map.of("IMGBOARD_TLS_CERT", cert.toString(), "IMGBOARD_TLS_KEY", garbage.toString())),
                containsString("IMGBOARD_TLS_KEY " + garbage + ": not a PEM private key"));
        assertThat(refusal(dir, Map.of("IMGBOARD_TLS_CERT", cert.toString())),
                containsString("IMGBOARD_TLS_CERT is set but IMGBOARD_TLS_KEY is not"));
    }

    @Test
    void withACertificateTheDisplayServesHttpsOnItsPort(@TempDir Path dir) throws Exception {
        int port = Ports.free();
        Process process = serving(dir, port, Map.of("QUARKUS_HTTP_PORT", String.valueOf(port)));
        try {
            HttpClient https = HttpClient.newBuilder().sslContext(trustAll()).build();
            HttpResponse<String> config = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                    + "/api/admin/config")).header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            // The ledger is not running here: 503 JSON, over TLS; what matters is that the admin route answers.
            assertThat(String.valueOf(config.statusCode()), org.hamcrest.Matchers.matchesPattern("200|503"));
            // No plain HTTP on the port.
            try {
                HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat("plain HTTP is not served", plain.body(), not(containsString("\"status\":\"ok\"")));
            } catch (IOException expected) {
                // the TLS server drops a plain-text request
            }
        } finally {
            stop(process);
        }
    }

    /** As compose's deploy/compose/tls.yml runs it: HTTPS on its own port, plain HTTP kept for the LAN's frames. */
    @Test
    void withATlsPortPlainHttpStaysOnTheUsualPort(@TempDir Path dir) throws Exception {
        int port = Ports.free();
        int tlsPort = Ports.free();
        Process process = serving(dir, tlsPort, Map.of("IMGBOARD_TLS_PORT", String.valueOf(tlsPort),
                "QUARKUS_HTTP_PORT", String.valueOf(port)));
        try {
            HttpResponse<String> plain = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, plain.statusCode(), "plain HTTP on the usual port");
        } finally {
            stop(process);
        }
    }

    private static final String ADMIN_TOKEN = "it-admin-token-0123456789";

    /** The display with a fresh certificate and the real Kafka and S3, once it answers /health over HTTPS on {@code httpsPort}. */
    private static Process serving(Path dir, int httpsPort, Map<String, String> more) throws Exception {
        Path[] pem = openssl(dir);
        Endpoints real = LocalInfraResource.shared().endpoints();
        Map<String, String> env = new java.util.HashMap<>(Map.of(
                "IMGBOARD_TLS_CERT", pem[0].toString(), "IMGBOARD_TLS_KEY", pem[1].toString(),
                "KAFKA_BOOTSTRAP_SERVERS", real.kafkaBootstrap(),
                "IMGBOARD_S3_ENDPOINT", real.s3Endpoint(),
                "IMGBOARD_S3_ACCESS_KEY", real.s3AccessKey(),
                "IMGBOARD_S3_SECRET_KEY", real.s3SecretKey(),
                "IMGBOARD_ADMIN_TOKEN", ADMIN_TOKEN));
        env.putAll(more);
        Process process = start(dir, env);
        try {
            HttpClient https = HttpClient.newBuilder().sslContext(trustAll()).build();
            HttpResponse<String> health = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> {
                        assertTrue(process.isAlive(), () -> "exited: " + log(dir));
                        return https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort + "/health")).build(),
                                HttpResponse.BodyHandlers.ofString());
                    }, r -> r.statusCode() == 200);
            assertThat(health.body(), containsString("\"status\":\"ok\""));
            return process;
        } catch (RuntimeException | Error e) {
            stop(process);
            throw e;
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("service.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** A self-signed certificate for localhost and its key, as PEM files. */
    private static Path[] openssl(Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (!Files.exists(cert)) {
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "openssl failed");
        }
        return new Path[]{cert, key};
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
