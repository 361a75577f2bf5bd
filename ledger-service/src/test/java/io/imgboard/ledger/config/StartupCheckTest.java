package io.imgboard.ledger.config;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ledger refuses to start without a usable service token, and says how to set one. */
class StartupCheckTest {

    @Test
    void aMissingOrShortTokenIsAProblemNamingTheVariable() {
        assertTrue(StartupCheck.problem(Optional.empty()).orElseThrow().contains("IMGBOARD_SERVICE_TOKEN"));
        assertTrue(StartupCheck.problem(Optional.of("   ")).orElseThrow().contains("no service token"));
        assertTrue(StartupCheck.problem(Optional.of("short")).orElseThrow().contains("at least 16"));
        assertEquals(Optional.empty(), StartupCheck.problem(Optional.of("a-long-enough-service-token")));
    }
}
