package io.imgboard.ingest.rest;

import io.imgboard.ingest.service.Principal;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The check after routing on its own (the gate before it refuses the same spellings first, so over HTTP
 * this layer is never the one that answers): an operator API routed to with another principal is refused.
 */
class AdminOnlyCheckTest {
    private final AdminOnlyCheck check = new AdminOnlyCheck(() -> true);

    @Test
    void theOperatorApisAreRefusedToUploadAndDeviceTokensWhateverTheGateLetThrough() throws Exception {
        List<ResourceInfo> operatorApis = List.of(routedTo(DevicesResource.class, "list"), routedTo(SourceResource.class, "list"),
                routedTo(UploadResource.class, "rejections"));
        for (ResourceInfo api : operatorApis) {
            for (Principal other : List.of(Principal.UPLOAD, Principal.device("phone"))) {
                ApiException refused = assertThrows(ApiException.class, () -> check.check(api, admittedAs(other)),
                        api.getResourceMethod() + " " + other);
                assertEquals(401, refused.status());
                assertTrue(refused.getMessage().contains("needs the admin token"), refused.getMessage());
            }
            assertTrue(check.check(api, admittedAs(Principal.ADMIN)).isEmpty(), api.getResourceMethod().toString());
        }
    }

    @Test
    void theRestIsLeftToTheGatesCredentialCheck() throws Exception {
        assertTrue(check.check(routedTo(UploadResource.class, "upload"), admittedAs(Principal.UPLOAD)).isEmpty());
        assertTrue(check.check(routedTo(UploadResource.class, "upload"), admittedAs(Principal.device("phone"))).isEmpty());
    }

    private static ResourceInfo routedTo(Class<?> type, String method) {
        Method found = java.util.Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(method)).findFirst()
                .orElseThrow(() -> new AssertionError(type.getSimpleName() + " has no " + method));
        return new ResourceInfo() {
            @Override
            public Method getResourceMethod() {
                return found;
            }

            @Override
            public Class<?> getResourceClass() {
                return type;
            }
        };
    }

    private static RoutingContext admittedAs(Principal principal) {
        return (RoutingContext) Proxy.newProxyInstance(RoutingContext.class.getClassLoader(), new Class<?>[]{RoutingContext.class},
                (proxy, method, args) -> method.getName().equals("get") && RequestGate.PRINCIPAL.equals(args[0]) ? principal : null);
    }
}
