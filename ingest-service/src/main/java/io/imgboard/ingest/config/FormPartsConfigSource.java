package io.imgboard.ingest.config;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.util.List;
import java.util.Map;

/**
 * Sets the multipart parser's limit on the parts of one body ({@code quarkus.http.limits.max-parameters},
 * 1000 by Quarkus's default) from {@code imgboard.upload.max-files}: each file part, its {@code path} part,
 * and one {@code source}, so {@code 2 × max-files + 1}. RESTEasy's parser counts the parts as it reads them
 * and refuses the body at the first one past its limit (400; the parts spooled so far are deleted, the rest
 * of the body is read and dropped, never written), so a body of thousands of tiny parts stops making spool
 * files at its 202nd instead of making one for each part and being refused after. Ingest's only form is the
 * upload's, so the limit touches nothing else; {@code UploadResource} still counts the files exactly.
 *
 * <p>A factory and not a line in application.properties, because the number is computed from a setting an
 * operator may change. Above application.properties, below the environment and system properties, as
 * {@link io.imgboard.support.TlsConfigSource}: {@code QUARKUS_HTTP_LIMITS_MAX_PARAMETERS} still wins.
 */
public class FormPartsConfigSource implements ConfigSourceFactory {
    static final String MAX_PARTS = "quarkus.http.limits.max-parameters";
    private static final int ORDINAL = 275;

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue maxFiles = context.getValue("imgboard.upload.max-files");
        String files = maxFiles == null || maxFiles.getValue() == null ? UploadConfig.DEFAULT_MAX_FILES : maxFiles.getValue();
        long parts;
        try {
            parts = 2L * Math.max(0, Integer.parseInt(files.strip())) + 1;
        } catch (NumberFormatException e) {
            return List.of(); // reading UploadConfig stops the start, naming the setting
        }
        return List.of(new PropertiesConfigSource(Map.of(MAX_PARTS, Long.toString(Math.min(parts, Integer.MAX_VALUE))),
                "imgboard-upload-form-parts", ORDINAL));
    }
}
