package io.imgboard.ingest.rest;

import io.imgboard.ingest.service.DeviceTokens;
import io.imgboard.ingest.service.DeviceTokens.Created;
import io.imgboard.ingest.service.DeviceTokens.Device;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;

/**
 * Devices with upload tokens of their own (admin token; {@link RequestGate} checks it). A device's
 * token works as Bearer on the upload API and as the Basic password on WebDAV, and each file it
 * delivers records the device.
 */
@Path("/api/v1/devices")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "devices")
public class DevicesResource {

    /** {@code POST /api/v1/devices} body. */
    public record NewDevice(String name) {
    }

    private final DeviceTokens devices;

    DevicesResource(DeviceTokens devices) {
        this.devices = devices;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a device; its token is in this answer only (stored hashed, never shown again)")
    @APIResponse(responseCode = "201", description = "{name, token}")
    @APIResponse(responseCode = "400", description = "no or invalid name")
    @APIResponse(responseCode = "409", description = "a device of that name exists")
    public RestResponse<Created> create(NewDevice body) {
        if (body == null || body.name() == null) {
            throw new ApiException(400, "send {\"name\": \"alice-iphone\"}");
        }
        try {
            return devices.create(body.name().strip())
                    .map(c -> RestResponse.status(RestResponse.Status.CREATED, c))
                    .orElseThrow(() -> new ApiException(409, "a device named " + body.name().strip()
                            + " exists already: revoke it first (its Revoke button on the admin page, or DELETE /api/v1/devices/"
                            + body.name().strip() + "), or choose another name"));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, e.getMessage());
        }
    }

    @GET
    @Operation(summary = "Devices: name, created, last used, uploads (never their tokens)")
    public List<Device> list() {
        return devices.list();
    }

    @DELETE
    @Path("/{name}")
    @Operation(summary = "Revoke a device: its token is refused (401) from the next request on")
    @APIResponse(responseCode = "204", description = "revoked")
    @APIResponse(responseCode = "404", description = "no such device")
    public RestResponse<Void> revoke(@RestPath String name) {
        if (!devices.revoke(name)) {
            throw new ApiException(404, "no device named " + name);
        }
        return RestResponse.noContent();
    }
}
