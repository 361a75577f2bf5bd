package io.imgboard.support;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.stream.Collectors;

/**
 * A JSON body that does not parse, or has the wrong shape ({@code {"sha256": 5}}, a list where an
 * object belongs): a 400 {@code {"error", "status"}} that says so and
 * names the field. Quarkus' own answer is empty or a dump of its binding internals. Mapped for
 * Jackson's exact types too, so these win over Quarkus' built-in mappers.
 *
 * <p>Every service with a JSON API gets these from this jar (its {@code beans.xml} puts it in the
 * index Quarkus REST scans for {@code @ServerExceptionMapper}); a service's own {@code ErrorMappers}
 * keeps what is its own.
 */
public class JsonBodyErrors {


    @ServerExceptionMapper
    public Response unreadable(JsonProcessingException e) {
        return badRequest(message(e));
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return badRequest(message(e));
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e) {
        return badRequest(message(e));
    }

    /** What was wrong with the body, for a person; never Jackson's own text (it names Java types). */
    public static String message(JsonProcessingException e) {
        if (e instanceof JsonParseException parse) {
            JsonLocation at = parse.getLocation();
            String where = at == null || at.getLineNr() < 1 ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return "the request body is not valid JSON" + where + ": check the quotes, commas and braces there";
        }
        String where = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? " at \"" + mapping.getPath().stream()
                .map(step -> step.getFieldName() != null ? step.getFieldName() : "[" + step.getIndex() + "]")
                .collect(Collectors.joining(".")) + "\""
                : "";
        return "the request body is not the JSON this route takes" + where
                + ": a field has the wrong type (text, number, list or object), or the body is not an object";
    }

    private static Response badRequest(String error) {
        return ErrorBody.response(400, error);
    }
}
