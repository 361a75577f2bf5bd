package io.imgboard.ingest.config;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * Turns {@code IMGBOARD_TLS_CERT}/{@code IMGBOARD_TLS_KEY} into Quarkus's HTTPS settings: HTTPS on
 * the service's usual port ({@code quarkus.http.port}, 8081) and plain HTTP off. Only when both files
 * pass {@link TlsFiles}; otherwise it adds nothing and {@link TlsCheck} stops the start with the
 * reason. Above application.properties, below the environment, so an operator can still override.
 */
public class TlsConfigSource implements ConfigSource {
    private static final int ORDINAL = 275;
    private final Map<String, String> values;

    public TlsConfigSource() {
        TlsFiles.Settings settings = TlsFiles.fromEnvironment();
        if (!settings.requested() || TlsFiles.problem(settings).isPresent()) {
            values = Map.of();
            return;
        }
        String port = System.getProperty("quarkus.http.port", System.getenv().getOrDefault("QUARKUS_HTTP_PORT", "8081"));
        values = Map.of(
                "quarkus.http.ssl.certificate.files", settings.cert(),
                "quarkus.http.ssl.certificate.key-files", settings.key(),
                "quarkus.http.ssl-port", port,
                "quarkus.http.insecure-requests", "disabled");
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String name) {
        return values.get(name);
    }

    @Override
    public String getName() {
        return "imgboard-tls";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
