package io.imgboard.display.config;

import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * With {@code IMGBOARD_TLS_CERT} and {@code IMGBOARD_TLS_KEY} set, the display serves HTTPS on its
 * usual port ({@code quarkus.http.port}) and no plain HTTP: Quarkus' own TLS, pointed at the PEM files,
 * with its HTTPS port moved onto the HTTP port. Above application.properties, below the environment.
 * The files were checked by {@link io.imgboard.display.DisplayMain} before start-up.
 */
public class TlsConfigSource implements ConfigSource {
    private final Map<String, String> values = new HashMap<>();

    public TlsConfigSource() {
        Optional<TlsFiles.Pair> tls;
        try {
            tls = TlsFiles.check(System.getenv());
        } catch (IllegalArgumentException e) {
            tls = Optional.empty(); // reported by DisplayMain, which stops before this matters
        }
        tls.ifPresent(pair -> {
            String port = Optional.ofNullable(System.getProperty("quarkus.http.port"))
                    .or(() -> Optional.ofNullable(System.getenv("QUARKUS_HTTP_PORT")))
                    .orElse("8080");
            values.put("quarkus.http.ssl.certificate.files", pair.cert().toString());
            values.put("quarkus.http.ssl.certificate.key-files", pair.key().toString());
            values.put("quarkus.http.ssl-port", port);
            values.put("quarkus.http.insecure-requests", "disabled");
        });
    }

    @Override
    public Map<String, String> getProperties() {
        return values;
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
        return "img-board TLS (IMGBOARD_TLS_CERT, IMGBOARD_TLS_KEY)";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
