package io.imgboard.events;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The session timeouts the broker refuses (the services once started "ready" with them and never joined their groups). */
class SessionTimeoutTest {
    @Test
    void onlyTheBrokersRangeIsTaken() {
        assertEquals(Optional.empty(), SessionTimeout.problem(null), "unset: the shared default");
        assertEquals(Optional.empty(), SessionTimeout.problem("6000"));
        assertEquals(Optional.empty(), SessionTimeout.problem("10000"));
        assertEquals(Optional.empty(), SessionTimeout.problem("1800000"));
        for (String outside : new String[] {"4000", "5999", "0", "-1", "1800001"}) {
            String problem = SessionTimeout.problem(outside).orElseThrow();
            assertTrue(problem.startsWith("IMGBOARD_KAFKA_SESSION_TIMEOUT_MS=" + outside + " is outside the broker's range"),
                    problem);
            assertTrue(problem.contains("from 6000 to 1800000"), problem);
        }
        String notANumber = SessionTimeout.problem("10s").orElseThrow();
        assertTrue(notANumber.startsWith("IMGBOARD_KAFKA_SESSION_TIMEOUT_MS=10s is not a number of milliseconds"), notANumber);
        assertTrue(!notANumber.contains("\n"), "one line");
    }
}
