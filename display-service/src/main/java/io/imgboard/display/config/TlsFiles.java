package io.imgboard.display.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code IMGBOARD_TLS_CERT} and {@code IMGBOARD_TLS_KEY}: PEM files that make the display serve HTTPS on
 * its port. Checked before Quarkus starts, so a missing or broken file stops start-up with one line
 * naming the file and the problem, not a stack trace from deep inside the HTTP server.
 */
public final class TlsFiles {
    public static final String CERT_ENV = "IMGBOARD_TLS_CERT";
    public static final String KEY_ENV = "IMGBOARD_TLS_KEY";
    private static final Pattern PEM = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");

    private TlsFiles() {
    }

    /** The files, when TLS is configured at all. */
    public record Pair(Path cert, Path key) {
    }

    /**
     * Empty when neither variable is set (plain HTTP); the pair when both name usable files.
     *
     * @throws IllegalArgumentException with the one line to print, when only one is set or a file is unusable
     */
    public static Optional<Pair> check(Map<String, String> env) {
        String cert = blankToNull(env.get(CERT_ENV));
        String key = blankToNull(env.get(KEY_ENV));
        if (cert == null && key == null) {
            return Optional.empty();
        }
        if (cert == null || key == null) {
            throw new IllegalArgumentException((cert == null ? CERT_ENV : KEY_ENV) + " is not set, but "
                    + (cert == null ? KEY_ENV : CERT_ENV) + " is: HTTPS needs both a certificate and its private key (PEM)");
        }
        Path certPath = Path.of(cert);
        Path keyPath = Path.of(key);
        checkCertificate(certPath);
        checkKey(keyPath);
        return Optional.of(new Pair(certPath, keyPath));
    }

    private static void checkCertificate(Path file) {
        String text = read(CERT_ENV, file);
        if (!text.contains("-----BEGIN CERTIFICATE-----")) {
            throw problem(CERT_ENV, file, "is not a PEM certificate (no \"-----BEGIN CERTIFICATE-----\" line)");
        }
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))).isEmpty()) {
                throw problem(CERT_ENV, file, "holds no certificate");
            }
        } catch (CertificateException e) {
            throw problem(CERT_ENV, file, "is not a readable X.509 certificate (" + e.getMessage() + ")");
        }
    }

    private static void checkKey(Path file) {
        String text = read(KEY_ENV, file);
        Matcher pem = PEM.matcher(text);
        while (pem.find()) {
            String type = pem.group(1);
            if (!type.endsWith("PRIVATE KEY")) {
                continue;
            }
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(pem.group(2));
            } catch (IllegalArgumentException e) {
                throw problem(KEY_ENV, file, "has a " + type + " block that is not valid base64");
            }
            if (type.equals("PRIVATE KEY")) {
                for (String algorithm : new String[]{"RSA", "EC", "Ed25519"}) {
                    try {
                        KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                        return;
                    } catch (Exception tryNext) {
                        // another algorithm
                    }
                }
                throw problem(KEY_ENV, file, "holds a PRIVATE KEY that is not an RSA, EC or Ed25519 key");
            }
            if (type.equals("ENCRYPTED PRIVATE KEY")) {
                throw problem(KEY_ENV, file, "holds an encrypted key; give the display an unencrypted PEM key");
            }
            return; // RSA / EC PRIVATE KEY (PKCS#1 / SEC 1): the HTTP server reads these itself
        }
        throw problem(KEY_ENV, file, "is not a PEM private key (no \"-----BEGIN ... PRIVATE KEY-----\" block)");
    }

    private static String read(String variable, Path file) {
        if (!Files.exists(file)) {
            throw problem(variable, file, "does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw problem(variable, file, "is not a file");
        }
        if (!Files.isReadable(file)) {
            throw problem(variable, file, "is not readable by this user");
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw problem(variable, file, "cannot be read (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            throw problem(variable, file, "is not a text (PEM) file");
        }
    }

    private static IllegalArgumentException problem(String variable, Path file, String what) {
        return new IllegalArgumentException(variable + "=" + file + ": the file " + what);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
