package io.imgboard.ledger.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;

/** Test only: fails the way a server-side failure would, with a message no caller should see. */
@Path("/test-only/fail")
@Produces(MediaType.APPLICATION_JSON)
public class FailingResource {
    public static final String SECRET = "jdbc:postgresql://db.internal:5432/ledger user=ledger password=hunter2";

    @GET
    @Path("/web/{status}")
    public String web(@PathParam("status") int status) {
        throw new WebApplicationException("cannot reach " + SECRET, status);
    }

    @GET
    @Path("/unexpected")
    public String unexpected() {
        throw new IllegalStateException("query failed on " + SECRET);
    }
}
