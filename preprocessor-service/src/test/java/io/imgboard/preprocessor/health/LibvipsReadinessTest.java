package io.imgboard.preprocessor.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the {@code libvips} check reports in each state the engine can be in (the state itself comes from
 * loading libvips once per JVM: {@code LibvipsFallbackTest} makes the fallback happen in a JVM of its own,
 * {@code PreprocessorPipelineTest} reads this check from the running service).
 */
class LibvipsReadinessTest {
    @Test
    void loadedIsUpWithItsVersion() {
        HealthCheckResponse response = LibvipsReadiness.report(Optional.of("8.18.7"), Optional.empty(), Optional.empty());

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals(Map.of("version", "8.18.7"), response.getData().orElseThrow());
    }

    @Test
    void debiansInPlaceOfTheBuildIsUpWithTheWarning() {
        HealthCheckResponse response = LibvipsReadiness.report(Optional.of("8.14.1"),
                Optional.of("cannot load libvips (/x.so): file too short; running on Debian's libvips 8.14.1 instead"),
                Optional.empty());

        assertEquals(HealthCheckResponse.Status.UP, response.getStatus());
        assertEquals(Map.of("version", "8.14.1",
                        "warning", "cannot load libvips (/x.so): file too short; running on Debian's libvips 8.14.1 instead"),
                response.getData().orElseThrow());
    }

    @Test
    void notLoadedIsDownWithWhy() {
        HealthCheckResponse response = LibvipsReadiness.report(Optional.empty(), Optional.empty(),
                Optional.of("cannot load libvips (libvips.so.42): not found — install it with: apt-get install -y libvips42"));

        assertEquals(HealthCheckResponse.Status.DOWN, response.getStatus());
        assertEquals(Map.of("error", "cannot load libvips (libvips.so.42): not found — install it with: apt-get install -y libvips42"),
                response.getData().orElseThrow());
    }
}
