package io.imgboard.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The 400s for JSON bodies, read from what Jackson really throws. Services prove the wiring over HTTP. */
class JsonBodyErrorsTest {
    record Check(List<String> sha256) {
    }

    record Outer(Check check) {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final JsonBodyErrors errors = new JsonBodyErrors();

    @Test
    void aFieldOfTheWrongTypeIsNamedWithItsPath() {
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> mapper.readValue("{\"check\": {\"sha256\": [\"a\", {\"x\": 1}]}}", Outer.class));
        Response r = errors.unreadable(e);
        assertEquals(400, r.getStatus());
        ErrorBody body = (ErrorBody) r.getEntity();
        assertEquals(400, body.status());
        assertEquals("the request body is not the JSON this route takes at \"check.sha256.[1]\": a field has the wrong"
                + " type (text, number, list or object), or the body is not an object", body.error());
    }

    @Test
    void textThatIsNotJsonIsSaidToBeThat() {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> mapper.readValue("{sha256: 1}", Check.class));
        assertEquals("the request body is not valid JSON (line 1, column 2): check the quotes, commas and braces there",
                JsonBodyErrors.message(e));
    }

    @Test
    void aListWhereAnObjectBelongsHasNoPathButAReason() {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> mapper.readValue("[1, 2]", Check.class));
        assertEquals("the request body is not the JSON this route takes: a field has the wrong type (text, number,"
                + " list or object), or the body is not an object", JsonBodyErrors.message(e));
    }
}
