package io.imgboard.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTPS from {@code IMGBOARD_TLS_CERT} and {@code IMGBOARD_TLS_KEY} (PEM files; the same names on the display and
 * ingest), and optionally {@code IMGBOARD_TLS_PORT}. Checked before the HTTP server sees the files, so a wrong one
 * stops the service with one sentence naming the file and the problem rather than Vert.x's stack trace; the
 * services' {@link TlsConfigSource} hands Quarkus only files that passed.
 */
public final class TlsFiles {
    public static final String CERT_ENV = "IMGBOARD_TLS_CERT";
    public static final String KEY_ENV = "IMGBOARD_TLS_KEY";
    public static final String PORT_ENV = "IMGBOARD_TLS_PORT";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private TlsFiles() {
    }

    /**
     * The settings as configured (environment variable, or {@code imgboard.tls.cert}/{@code key}/{@code port} as a
     * system property).
     *
     * @param port null: HTTPS on the service's usual port and no plain HTTP; a port: HTTPS there besides plain HTTP
     */
    public record Settings(String cert, String key, String port) {
        public Settings(String cert, String key) {
            this(cert, key, null);
        }

        public boolean requested() {
            return cert != null || key != null;
        }
    }

    public static Settings fromEnvironment() {
        return new Settings(setting(CERT_ENV, "imgboard.tls.cert"), setting(KEY_ENV, "imgboard.tls.key"),
                setting(PORT_ENV, "imgboard.tls.port"));
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
            return s.port() == null ? Optional.empty()
                    : Optional.of(PORT_ENV + " is set but " + CERT_ENV + " and " + KEY_ENV + " are not: HTTPS needs both PEM files");
        }
        if (s.cert() == null) {
            return Optional.of(KEY_ENV + " is set but " + CERT_ENV + " is not: HTTPS needs both PEM files");
        }
        if (s.key() == null) {
            return Optional.of(CERT_ENV + " is set but " + KEY_ENV + " is not: HTTPS needs both PEM files");
        }
        if (s.port() != null && !s.port().matches("[0-9]{1,5}") || s.port() != null && Integer.parseInt(s.port()) > 65535) {
            return Optional.of(PORT_ENV + " " + s.port() + ": not a port number (1-65535)");
        }
        Optional<String> cert = certificateProblem(Path.of(s.cert()));
        return cert.isPresent() ? cert : keyProblem(Path.of(s.key()));
    }

    private static Optional<String> certificateProblem(Path file) {
        Blocks blocks = blocks(CERT_ENV, file);
        if (blocks.problem().isPresent()) {
            return blocks.problem();
        }
        String where = blocks.where();
        Matcher m = blocks.matcher();
        boolean found = false;
        while (!found && m.find()) {
            found = m.group(1).equals("CERTIFICATE");
        }
        if (!found) {
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

    /** The first private key block decides; other blocks (an EC key's parameters) are passed over. */
    private static Optional<String> keyProblem(Path file) {
        Blocks blocks = blocks(KEY_ENV, file);
        if (blocks.problem().isPresent()) {
            return blocks.problem();
        }
        String where = blocks.where();
        Matcher m = blocks.matcher();
        while (m.find()) {
            String type = m.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            if (type.contains("ENCRYPTED")) {
                return Optional.of(where + "the private key is encrypted: give the service an unencrypted key file");
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                return Optional.of(where + "the private key is not valid base64");
            }
            if (!type.equals("PRIVATE KEY")) {
                return Optional.empty(); // PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY": Vert.x reads these
            }
            for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
                try {
                    KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                    return Optional.empty();
                } catch (GeneralSecurityException e) {
                    // try the next algorithm
                }
            }
            return Optional.of(where + "the private key cannot be read (PKCS#8 RSA, EC or Ed25519 expected)");
        }
        return Optional.of(where + "not a PEM private key (no -----BEGIN PRIVATE KEY----- block)");
    }

    /** A PEM file's blocks, or why it cannot be read; {@code where} begins each sentence about it. */
    private record Blocks(String where, Matcher matcher, Optional<String> problem) {
    }

    private static Blocks blocks(String variable, Path file) {
        String where = variable + " " + file + ": ";
        Optional<String> text = read(file);
        return text.isEmpty() ? new Blocks(where, null, Optional.of(where + unreadable(file)))
                : new Blocks(where, PEM.matcher(text.get()), Optional.empty());
    }

    private static Optional<String> read(Path file) {
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
