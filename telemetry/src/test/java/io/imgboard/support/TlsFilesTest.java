package io.imgboard.support;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every reason HTTPS cannot start, as the one line a person reads (TlsStartupIT shows it stops the start). */
class TlsFilesTest {
    @TempDir
    static Path dir;
    static Path cert;
    static Path key;

    @BeforeAll
    static void certificate() throws Exception {
        cert = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, openssl.exitValue(), Files.readString(dir.resolve("openssl.log")));
    }

    private static Optional<String> problem(Object certFile, Object keyFile) {
        return TlsFiles.problem(new TlsFiles.Settings(certFile == null ? null : certFile.toString(),
                keyFile == null ? null : keyFile.toString()));
    }

    @Test
    void aGoodPairAndNoPairAreFine() {
        assertEquals(Optional.empty(), problem(cert, key));
        assertEquals(Optional.empty(), problem(null, null));
    }

    @Test
    void oneWithoutTheOtherIsRefused() {
        assertEquals(Optional.of("IMGBOARD_TLS_CERT is set but IMGBOARD_TLS_KEY is not: HTTPS needs both PEM files"),
                problem(cert, null));
        assertEquals(Optional.of("IMGBOARD_TLS_KEY is set but IMGBOARD_TLS_CERT is not: HTTPS needs both PEM files"),
                problem(null, key));
    }

    @Test
    void eachBadFileIsNamedWithItsProblem() throws Exception {
        Path text = Files.writeString(dir.resolve("hello.pem"), "hello\n");
        Path brokenKey = Files.writeString(dir.resolve("broken-key.pem"),
                "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        Path brokenCert = Files.writeString(dir.resolve("broken-cert.pem"),
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        assertEquals(Optional.of("IMGBOARD_TLS_CERT " + dir.resolve("none.pem") + ": no such file"),
                problem(dir.resolve("none.pem"), key));
        assertEquals(Optional.of("IMGBOARD_TLS_CERT " + dir + ": a directory, not a PEM file"), problem(dir, key));
        assertEquals(Optional.of("IMGBOARD_TLS_CERT " + text + ": not a PEM certificate (no -----BEGIN CERTIFICATE----- block)"),
                problem(text, key));
        assertTrue(problem(brokenCert, key).orElseThrow().startsWith("IMGBOARD_TLS_CERT " + brokenCert
                + ": the certificate cannot be used"), problem(brokenCert, key).toString());
        assertEquals(Optional.of("IMGBOARD_TLS_CERT " + key + ": not a PEM certificate (no -----BEGIN CERTIFICATE----- block)"),
                problem(key, cert), "cert and key swapped");
        assertEquals(Optional.of("IMGBOARD_TLS_KEY " + cert + ": not a PEM private key (no -----BEGIN PRIVATE KEY----- block)"),
                problem(cert, cert));
        assertEquals(Optional.of("IMGBOARD_TLS_KEY " + brokenKey
                + ": the private key cannot be read (PKCS#8 RSA, EC or Ed25519 expected)"), problem(cert, brokenKey));
    }

    @Test
    void anEcKeyWithItsParametersBlockFirstIsRead() throws Exception {
        Path ecKey = dir.resolve("ec-key.pem");
        Process openssl = new ProcessBuilder("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", ecKey.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("ecparam.log").toFile()).start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, Files.readString(dir.resolve("ecparam.log")));
        assertTrue(Files.readString(ecKey).startsWith("-----BEGIN EC PARAMETERS-----"), "openssl's usual output");
        assertEquals(Optional.empty(), problem(cert, ecKey), "the key is not checked against the certificate here");
    }

    @Test
    void aSeparatePortKeepsPlainHttpAndIsChecked() {
        assertEquals(Map.of("quarkus.http.ssl.certificate.files", cert.toString(),
                        "quarkus.http.ssl.certificate.key-files", key.toString(), "quarkus.http.ssl-port", "8443"),
                properties(new TlsFiles.Settings(cert.toString(), key.toString(), "8443")), "plain HTTP is not turned off");
        assertEquals(Map.of("quarkus.http.ssl.certificate.files", cert.toString(),
                        "quarkus.http.ssl.certificate.key-files", key.toString(), "quarkus.http.ssl-port", "${quarkus.http.port}",
                        "quarkus.http.insecure-requests", "disabled"),
                properties(new TlsFiles.Settings(cert.toString(), key.toString())), "HTTPS only, on the service's own port");
        assertEquals(Map.of(), properties(new TlsFiles.Settings(cert.toString(), key.toString(), "http")));
        assertEquals(Map.of(), properties(new TlsFiles.Settings(null, null)));
        assertEquals(Optional.of("IMGBOARD_TLS_PORT 70000: not a port number (1-65535)"),
                TlsFiles.problem(new TlsFiles.Settings(cert.toString(), key.toString(), "70000")));
        assertEquals(Optional.of("IMGBOARD_TLS_PORT 0: not a port number (1-65535)"),
                TlsFiles.problem(new TlsFiles.Settings(cert.toString(), key.toString(), "0")), "0 is no port, not a random one");
        assertEquals(Optional.of("IMGBOARD_TLS_PORT is set but IMGBOARD_TLS_CERT and IMGBOARD_TLS_KEY are not: HTTPS"
                + " needs both PEM files"), TlsFiles.problem(new TlsFiles.Settings(null, null, "8443")));
    }

    /** Before, a key of another pair started the service and every handshake failed. */
    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsRefused() throws Exception {
        Path otherKey = dir.resolve("other-key.pem");
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", otherKey.toString());
        assertEquals(Optional.of("IMGBOARD_TLS_KEY " + otherKey + ": this private key does not belong to the certificate in"
                + " IMGBOARD_TLS_CERT " + cert + ": give the key the certificate was made for"), problem(cert, otherKey));

        // the same checks for a PKCS#1 key ("RSA PRIVATE KEY"): its own pair passes, another's does not
        Path pkcs1 = dir.resolve("key-pkcs1.pem");
        openssl("rsa", "-in", key.toString(), "-traditional", "-out", pkcs1.toString());
        assertTrue(Files.readString(pkcs1).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        assertEquals(Optional.empty(), problem(cert, pkcs1));
        Path otherPkcs1 = dir.resolve("other-key-pkcs1.pem");
        openssl("rsa", "-in", otherKey.toString(), "-traditional", "-out", otherPkcs1.toString());
        assertTrue(problem(cert, otherPkcs1).orElseThrow().contains("does not belong to the certificate"));
    }

    /** Before, a broken PKCS#1 key passed the check and Vert.x stopped the start with a 37-frame "Invalid DER". */
    @Test
    void aBrokenPkcs1KeyIsRefused() throws Exception {
        Path broken = Files.writeString(dir.resolve("broken-pkcs1.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n");
        assertEquals(Optional.of("IMGBOARD_TLS_KEY " + broken + ": the RSA private key (PKCS#1) cannot be read"),
                problem(cert, broken));
    }

    private static void openssl(String... args) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("openssl"));
        command.addAll(java.util.List.of(args));
        Process openssl = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl-more.log").toFile()).start();
        assertTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0,
                Files.readString(dir.resolve("openssl-more.log")));
    }

    private static Map<String, String> properties(TlsFiles.Settings settings) {
        TlsConfigSource source = new TlsConfigSource(settings);
        return source.getPropertyNames().stream().collect(Collectors.toMap(n -> n, source::getValue));
    }
}
