package io.imgboard.support;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.Map;
import java.util.Set;

/**
 * Turns {@link TlsFiles}' settings into Quarkus's HTTPS settings, for the display and ingest alike (each lists this
 * class in its {@code META-INF/services}). Without {@code IMGBOARD_TLS_PORT}: HTTPS on the service's usual port
 * ({@code quarkus.http.port}) and plain HTTP off. With it: HTTPS on that port and plain HTTP kept on the usual one,
 * for wall displays on a LAN that cannot be given the certificate. Only when the files pass {@link TlsFiles};
 * otherwise it adds nothing and the service's start-up check stops with the reason. Above application.properties,
 * below the environment, so an operator can still override.
 */
public class TlsConfigSource implements ConfigSource {
    private static final int ORDINAL = 275;
    private final Map<String, String> values;

    public TlsConfigSource() {
        this(TlsFiles.fromEnvironment());
    }

    TlsConfigSource(TlsFiles.Settings settings) {
        if (!settings.requested() || TlsFiles.problem(settings).isPresent()) {
            values = Map.of();
        } else if (settings.port() != null) {
            values = Map.of(
                    "quarkus.http.ssl.certificate.files", settings.cert(),
                    "quarkus.http.ssl.certificate.key-files", settings.key(),
                    "quarkus.http.ssl-port", settings.port());
        } else {
            values = Map.of(
                    "quarkus.http.ssl.certificate.files", settings.cert(),
                    "quarkus.http.ssl.certificate.key-files", settings.key(),
                    "quarkus.http.ssl-port", "${quarkus.http.port}",
                    "quarkus.http.insecure-requests", "disabled");
        }
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
        return "img-board TLS (" + TlsFiles.CERT_ENV + ", " + TlsFiles.KEY_ENV + ", " + TlsFiles.PORT_ENV + ")";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
