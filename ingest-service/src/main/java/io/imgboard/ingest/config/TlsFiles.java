package io.imgboard.ingest.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTPS from {@code IMGBOARD_TLS_CERT} and {@code IMGBOARD_TLS_KEY} (PEM files; the same names on
 * display and ingest). Checked before the HTTP server sees them, so a wrong file stops the service
 * with one sentence naming the file and the problem ({@link TlsCheck}) rather than Vert.x's stack
 * trace.
 */
public final class TlsFiles {
    public static final String CERT_ENV = "IMGBOARD_TLS_CERT";
    public static final String KEY_ENV = "IMGBOARD_TLS_KEY";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private TlsFiles() {
    }

    /** The two settings as configured (environment variable or {@code imgboard.tls.cert}/{@code key}). */
    public record Settings(String cert, String key) {
        public boolean requested() {
            return cert != null || key != null;
        }
    }

    static Settings fromEnvironment() {
        return new Settings(setting(CERT_ENV, "imgboard.tls.cert"), setting(KEY_ENV, "imgboard.tls.key"));
    }

    private static String setting(String env, String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** What is wrong, in one sentence for a person; empty when HTTPS can start (or was not asked for). */
    public static Optional<String> problem(Settings s) {
        if (!s.requested()) {
            return Optional.empty();
        }
        if (s.cert() == null) {
            return Optional.of(KEY_ENV + " is set but " + CERT_ENV + " is not: HTTPS needs both PEM files");
        }
        if (s.key() == null) {
            return Optional.of(CERT_ENV + " is set but " + KEY_ENV + " is not: HTTPS needs both PEM files");
        }
        Optional<String> cert = certificateProblem(Path.of(s.cert()));
        return cert.isPresent() ? cert : keyProblem(Path.of(s.key()));
    }

    private static Optional<String> certificateProblem(Path file) {
        String where = CERT_ENV + " " + file + ": ";
        Optional<String> text = read(file, where);
        if (text.isEmpty()) {
            return Optional.of(where + unreadable(file));
        }
        Matcher m = PEM.matcher(text.get());
        if (!m.find() || !m.group(1).equals("CERTIFICATE")) {
            return Optional.of(where + "not a PEM certificate (no -----BEGIN CERTIFICATE----- block)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            cert.checkValidity();
        } catch (IllegalArgumentException | CertificateException e) {
            return Optional.of(where + "the certificate cannot be used: " + e.getMessage());
        }
        return Optional.empty();
    }

    private static Optional<String> keyProblem(Path file) {
        String where = KEY_ENV + " " + file + ": ";
        Optional<String> text = read(file, where);
        if (text.isEmpty()) {
            return Optional.of(where + unreadable(file));
        }
        Matcher m = PEM.matcher(text.get());
        if (!m.find() || !m.group(1).endsWith("PRIVATE KEY")) {
            return Optional.of(where + "not a PEM private key (no -----BEGIN PRIVATE KEY----- block)");
        }
        if (m.group(1).contains("ENCRYPTED")) {
            return Optional.of(where + "the private key is encrypted: give the service an unencrypted key file");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            return Optional.of(where + "the private key is not valid base64");
        }
        if (m.group(1).equals("PRIVATE KEY")) {
            for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
                try {
                    KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    return Optional.empty();
                } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                    // try the next algorithm
                }
            }
            return Optional.of(where + "the private key cannot be read (PKCS#8 RSA, EC or Ed25519 expected)");
        }
        return Optional.empty(); // PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY": Vert.x reads these
    }

    private static Optional<String> read(Path file, String where) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String unreadable(Path file) {
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (Files.isDirectory(file)) {
            return "a directory, not a PEM file";
        }
        if (!Files.isReadable(file)) {
            return "not readable by the service's user";
        }
        return "cannot be read as text";
    }
}
