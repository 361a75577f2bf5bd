package io.imgboard.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
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
        if (s.port() != null && (!s.port().matches("[0-9]{1,5}") || Integer.parseInt(s.port()) > 65535
                || Integer.parseInt(s.port()) < 1)) {
            // 0 too: Vert.x would take it as "any free port", and nobody would know where HTTPS is
            return Optional.of(PORT_ENV + " " + s.port() + ": not a port number (1-65535)");
        }
        Optional<String> cert = certificateProblem(Path.of(s.cert()));
        if (cert.isPresent()) {
            return cert;
        }
        Optional<String> key = keyProblem(Path.of(s.key()));
        return key.isPresent() ? key : pairProblem(Path.of(s.cert()), Path.of(s.key()));
    }

    /**
     * A certificate and a key that both read but do not belong together started the service, and every handshake
     * then failed: checked by signing a challenge with the key and verifying it with the certificate's public key.
     */
    private static Optional<String> pairProblem(Path certFile, Path keyFile) {
        Optional<X509Certificate> cert = certificate(certFile);
        Optional<PrivateKey> key = privateKey(keyFile);
        if (cert.isEmpty() || key.isEmpty()) {
            return Optional.empty(); // a SEC1 EC key: Vert.x reads it, this check does not
        }
        String algorithm = switch (key.get().getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.get().getAlgorithm(); // Ed25519
        };
        try {
            byte[] challenge = "img-board TLS pair check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key.get());
            signer.update(challenge);
            byte[] signed = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.get().getPublicKey());
            verifier.update(challenge);
            if (verifier.verify(signed)) {
                return Optional.empty();
            }
        } catch (GeneralSecurityException e) {
            // a key of another kind than the certificate's: they do not belong together either
        }
        return Optional.of(KEY_ENV + " " + keyFile + ": this private key does not belong to the certificate in "
                + CERT_ENV + " " + certFile + ": give the key the certificate was made for");
    }

    private static Optional<X509Certificate> certificate(Path file) {
        Optional<byte[]> der = firstBlock(file, "CERTIFICATE"::equals);
        try {
            return der.isEmpty() ? Optional.empty() : Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der.get())));
        } catch (CertificateException e) {
            return Optional.empty();
        }
    }

    private static Optional<PrivateKey> privateKey(Path file) {
        Optional<String> text = read(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = PEM.matcher(text.get());
        while (m.find()) {
            if (m.group(1).equals("PRIVATE KEY") || m.group(1).equals("RSA PRIVATE KEY")) {
                byte[] der = Base64.getMimeDecoder().decode(m.group(2));
                return pkcs8Key(m.group(1).equals("RSA PRIVATE KEY") ? pkcs8OfRsa(der) : der);
            }
            if (m.group(1).endsWith("PRIVATE KEY")) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static Optional<PrivateKey> pkcs8Key(byte[] der) {
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return Optional.of(KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der)));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        return Optional.empty();
    }

    /**
     * A PKCS#1 RSA key ({@code RSA PRIVATE KEY}) as the PKCS#8 structure the JDK reads: version 0, the rsaEncryption
     * algorithm, the PKCS#1 key as an octet string.
     */
    private static byte[] pkcs8OfRsa(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return der(0x30, body);
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[] {(byte) n}
                : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }

    private static Optional<byte[]> firstBlock(Path file, java.util.function.Predicate<String> type) {
        Optional<String> text = read(file);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = PEM.matcher(text.get());
        while (m.find()) {
            if (type.test(m.group(1))) {
                try {
                    return Optional.of(Base64.getMimeDecoder().decode(m.group(2)));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
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
            if (type.equals("RSA PRIVATE KEY")) {
                // PKCS#1: read as Vert.x will, so a broken one stops here, not in Vert.x's "Invalid DER" trace
                return pkcs8Key(pkcs8OfRsa(der)).isPresent() ? Optional.empty()
                        : Optional.of(where + "the RSA private key (PKCS#1) cannot be read");
            }
            if (!type.equals("PRIVATE KEY")) {
                return Optional.empty(); // SEC1 "EC PRIVATE KEY": Vert.x reads it
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
