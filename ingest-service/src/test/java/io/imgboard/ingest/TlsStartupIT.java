package io.imgboard.ingest;

import io.imgboard.infra.testing.LocalInfraResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTPS from IMGBOARD_TLS_CERT / IMGBOARD_TLS_KEY on the packaged service: served on the usual port
 * with plain HTTP off, and a missing file stops the start with one line that names it (the other
 * problems, each a packaged start of its own here, are {@code TlsFilesTest}'s).
 */
class TlsStartupIT {
    private static final String TOKEN = "it-upload-token-0123456789";

    private static Map<String, String> env(Map<String, String> tls) {
        Map<String, String> env = PackagedService.env(TOKEN, LocalInfraResource.shared().endpoints().kafkaBootstrap());
        env.putAll(tls);
        return env;
    }

    /** A self-signed certificate for 127.0.0.1 with openssl (installed by ./imgboard test). */
    private static void makeCertificate(Path dir) throws Exception {
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", dir.resolve("key.pem").toString(), "-out", dir.resolve("cert.pem").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, openssl.exitValue(), Files.readString(dir.resolve("openssl.log")));
    }

    private static void assertRefused(Path dir, Map<String, String> tls, String expected) throws Exception {
        try (PackagedService service = PackagedService.start(dir, env(tls), Map.of())) {
            assertEquals(1, service.awaitExit());
            String output = service.output();
            assertTrue(output.contains("ingest-service cannot start: " + expected), output);
            assertFalse(output.contains("\tat "), "no stack trace:\n" + output);
            assertFalse(output.contains("Listening on: http://"), "never plain HTTP when HTTPS was asked for:\n" + output);
        }
    }

    @Test
    void servesHttpsOnItsPortAndNoPlainHttp(@TempDir Path dir) throws Exception {
        makeCertificate(dir);
        try (PackagedService service = PackagedService.start(dir, env(Map.of(
                "IMGBOARD_TLS_CERT", dir.resolve("cert.pem").toString(),
                "IMGBOARD_TLS_KEY", dir.resolve("key.pem").toString())), Map.of())) {
            int port = service.awaitListening();
            assertTrue(service.output().contains("Listening on: https://"), service.output());
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (FileInputStream in = new FileInputStream(dir.resolve("cert.pem").toFile())) {
                trust.setCertificateEntry("imgboard", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            HttpClient https = HttpClient.newBuilder().sslContext(ssl).build();
            HttpResponse<String> live = https.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/q/health/live")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, live.statusCode(), live.body());
            HttpResponse<String> dav = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/dav/"))
                    .method("PROPFIND", HttpRequest.BodyPublishers.noBody()).header("Depth", "0")
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(207, dav.statusCode(), dav.body());
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/health/live")).build(), HttpResponse.BodyHandlers.ofString()),
                    "plain HTTP is off");
        }
    }

    @Test
    void aMissingCertificateStopsTheStartNamingTheFile(@TempDir Path dir) throws Exception {
        makeCertificate(dir);
        Path missing = dir.resolve("nowhere/cert.pem");
        assertRefused(dir, Map.of("IMGBOARD_TLS_CERT", missing.toString(), "IMGBOARD_TLS_KEY", dir.resolve("key.pem").toString()),
                "IMGBOARD_TLS_CERT " + missing + ": no such file");
    }
}
