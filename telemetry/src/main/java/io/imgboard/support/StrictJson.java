package io.imgboard.support;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Every service's JSON reader refuses a body with anything after its value: {@code {"a":1} }}}x} is
 * malformed, not {@code {"a":1}} (Jackson stops reading after the first value unless told). One
 * setting for the Quarkus {@link ObjectMapper} of every service: request bodies and event payloads alike.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
