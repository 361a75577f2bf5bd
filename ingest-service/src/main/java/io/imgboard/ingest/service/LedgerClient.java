package io.imgboard.ingest.service;

import io.quarkus.logging.Log;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * ingest's questions to the ledger, the one authority on which photos exist: which of these
 * SHA-256s are known, and which photo has this one. Synchronous, with short timeouts: a phone's
 * pre-check must not hang on a ledger that is down.
 */
@ApplicationScoped
public class LedgerClient {

    /** The ledger's routes ingest uses (BRIEF contract). */
    @Path("/api/v1/photos")
    @Produces(MediaType.APPLICATION_JSON)
    @Consumes(MediaType.APPLICATION_JSON)
    public interface LedgerApi {
        @POST
        @Path("/known")
        Known known(@HeaderParam("Authorization") String authorization, KnownRequest request);

        @GET
        @Path("/by-sha256/{sha256}")
        Response bySha256(@PathParam("sha256") String sha256);
    }

    public record KnownRequest(List<String> sha256) {
    }

    public record Known(List<String> known) {
    }

    /**
     * The photo the ledger has for some bytes.
     *
     * @param deleted an operator deleted it (it stays deleted)
     * @param failure why the ledger could not make the photo (its state FAILED), else null
     */
    public record KnownPhoto(String id, boolean deleted, String failure) {
    }

    /** The ledger could not be asked, or did not answer as agreed. */
    public static class LedgerUnavailableException extends RuntimeException {
        public LedgerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final LedgerApi api;
    private final String authorization;
    private final String url;

    LedgerClient(@ConfigProperty(name = "imgboard.ledger.url", defaultValue = "http://127.0.0.1:8082") String url,
                 @ConfigProperty(name = "imgboard.service.token") Optional<String> serviceToken) {
        this.url = url;
        this.api = QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(url))
                .connectTimeout(2, TimeUnit.SECONDS).readTimeout(10, TimeUnit.SECONDS)
                .build(LedgerApi.class);
        this.authorization = serviceToken.filter(t -> !t.isBlank()).map(t -> "Bearer " + t.strip()).orElse(null);
    }

    /** Which of these SHA-256s (at most 1000) the ledger knows, as a photo or a twin's origin. */
    public List<String> known(List<String> sha256s) {
        try {
            Known known = api.known(authorization, new KnownRequest(sha256s));
            return known == null || known.known() == null ? List.of() : known.known();
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    /** The photo with these bytes, or empty when the ledger does not know them (yet). */
    @SuppressWarnings("unchecked")
    public Optional<KnownPhoto> photo(String sha256) {
        try (Response response = api.bySha256(sha256)) {
            if (response.getStatus() == 404) {
                return Optional.empty();
            }
            if (response.getStatus() != 200) {
                throw new LedgerUnavailableException("the ledger at " + url + " answered " + response.getStatus(), null);
            }
            Map<String, Object> photo = response.readEntity(Map.class);
            // the ledger's PhotoDetails: deleted once deletedAt is set (its state then says DELETED too)
            boolean deleted = photo.get("deletedAt") != null;
            String failure = "FAILED".equals(photo.get("state"))
                    ? photo.get("failureReason") instanceof String reason ? reason : "no reason was given" : null;
            return Optional.ofNullable(photo.get("photoId")).map(i -> new KnownPhoto(i.toString(), deleted, failure));
        } catch (LedgerUnavailableException e) {
            throw e;
        } catch (jakarta.ws.rs.WebApplicationException e) {
            if (e.getResponse() != null && e.getResponse().getStatus() == 404) {
                return Optional.empty(); // the client's default mapper turns a 404 into an exception
            }
            throw unavailable(e);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private LedgerUnavailableException unavailable(RuntimeException e) {
        Log.warnf("ledger at %s not available: %s", url, e.toString());
        return new LedgerUnavailableException("the ledger at " + url + " is not available", e);
    }
}
