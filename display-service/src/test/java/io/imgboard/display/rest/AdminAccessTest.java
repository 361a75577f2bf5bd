package io.imgboard.display.rest;

import io.imgboard.support.ErrorBody;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may use the admin side: the admin token only (no fallback), and img-board's optional network allowlist. */
class AdminAccessTest {

    private static InetAddress ip(String literal) {
        return io.imgboard.support.ClientAddress.literal(literal);
    }

    /**
     * The check after routing on its own (the one before routing refuses the same requests first, so over HTTP
     * this layer is never the one that answers): it judges the route the request matched, not its path.
     */
    @Test
    void afterRoutingTheAdminRoutesAreJudgedByTheRouteTheyMatched() {
        AdminAccess access = new AdminAccess(Optional.of("admin-secret"), List.of(), List.of());
        for (String method : new String[]{"getConfig", "postConfig", "upload"}) {
            assertEquals(403, access.check(routedTo(CompatAdminResource.class, method), headers(null), request(null))
                    .orElseThrow().getStatus(), method);
            assertEquals(403, access.check(routedTo(CompatAdminResource.class, method), headers("Bearer wrong"), request("Bearer wrong"))
                    .orElseThrow().getStatus(), method);
            assertTrue(access.check(routedTo(CompatAdminResource.class, method), headers("Bearer admin-secret"),
                    request("Bearer admin-secret")).isEmpty(), method);
        }
        assertEquals(401, access.check(routedTo(AdminResource.class, "failures"), headers(null), request(null)).orElseThrow().getStatus());
        // img-board's page shell and its public routes are open
        assertTrue(access.check(routedTo(CompatAdminResource.class, "admin"), headers(null), request(null)).isEmpty());
        assertTrue(access.check(routedTo(CompatResource.class, "images"), headers(null), request(null)).isEmpty());
    }

    private static jakarta.ws.rs.container.ResourceInfo routedTo(Class<?> type, String method) {
        return routedTo(type, java.util.Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(method))
                .findFirst().orElseThrow(() -> new AssertionError(type.getSimpleName() + " has no " + method)));
    }

    private static jakarta.ws.rs.container.ResourceInfo routedTo(Class<?> type, java.lang.reflect.Method found) {
        return new jakarta.ws.rs.container.ResourceInfo() {
            @Override
            public java.lang.reflect.Method getResourceMethod() {
                return found;
            }

            @Override
            public Class<?> getResourceClass() {
                return type;
            }
        };
    }

    private static jakarta.ws.rs.core.HttpHeaders headers(String authorization) {
        return (jakarta.ws.rs.core.HttpHeaders) java.lang.reflect.Proxy.newProxyInstance(AdminAccessTest.class.getClassLoader(),
                new Class<?>[]{jakarta.ws.rs.core.HttpHeaders.class},
                (proxy, m, args) -> m.getName().equals("getHeaderString") && "Authorization".equalsIgnoreCase((String) args[0])
                        ? authorization : null);
    }

    /** A request from 203.0.113.9 (no allowlist: the token alone decides). */
    private static io.vertx.core.http.HttpServerRequest request(String authorization) {
        return (io.vertx.core.http.HttpServerRequest) java.lang.reflect.Proxy.newProxyInstance(AdminAccessTest.class.getClassLoader(),
                new Class<?>[]{io.vertx.core.http.HttpServerRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "remoteAddress" -> SocketAddress.inetSocketAddress(40000, "203.0.113.9");
                    case "getHeader" -> "Authorization".equalsIgnoreCase(String.valueOf(args[0])) ? authorization : null;
                    case "headers" -> authorization == null ? io.vertx.core.MultiMap.caseInsensitiveMultiMap()
                            : io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("Authorization", authorization);
                    default -> null;
                });
    }

    /**
     * The namespaces refused before routing are exactly the {@link AdminOnly} routes: every route template of every
     * resource in the display (its classes folder walked), filled in, is in them if and only if its class is
     * {@code @AdminOnly}. A new admin route outside them, or a public one inside, fails here.
     */
    @Test
    void theNamespacesRefusedBeforeRoutingAreTheAdminOnlyRoutes() throws Exception {
        java.nio.file.Path classes = java.nio.file.Path.of(AdminAccess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> admin = new java.util.ArrayList<>();
        List<String> open = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.walk(classes)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, AdminAccessTest.class.getClassLoader());
                for (java.lang.reflect.Method method : type.getDeclaredMethods()) {
                    if (java.util.Arrays.stream(method.getAnnotations()).noneMatch(a -> a.annotationType()
                            .isAnnotationPresent(jakarta.ws.rs.HttpMethod.class))) {
                        continue;
                    }
                    String path = AdminAccess.routeTemplate(routedTo(type, method)).replaceAll("\\{[^}]*}", "x").replaceAll("(.)/$", "$1");
                    boolean adminOnly = type.isAnnotationPresent(AdminOnly.class);
                    (adminOnly ? admin : open).add(path);
                    assertEquals(adminOnly, AdminAccess.isAdminOnlyPath(path), type.getSimpleName() + "." + method.getName() + " " + path);
                }
            }
        }
        assertTrue(admin.contains("/api/v1/frames/x") && admin.contains("/api/v1/admin/settings") && admin.contains("/api/v1/ops/health"), admin.toString());
        assertTrue(open.contains("/api/v1/frames/x/next") && open.contains("/api/v1/playlist"), open.toString());
    }

    @Test
    void onlyTheAdminTokenOpensTheV1AdminApis() {
        AdminAccess access = new AdminAccess(Optional.of("admin-secret"), List.of(), List.of());
        assertTrue(access.refusal("Bearer admin-secret").isEmpty());
        assertTrue(access.refusal("bearer   admin-secret ").isEmpty());
        assertEquals(401, access.refusal("Bearer upload-secret").orElseThrow().getStatus());
        assertEquals(401, access.refusal(null).orElseThrow().getStatus());
    }

    @Test
    void withoutAnAdminTokenTheApisAre503AndTheCompatRoutesClosed() {
        for (Optional<String> unset : List.of(Optional.<String>empty(), Optional.of("  "))) {
            AdminAccess access = new AdminAccess(unset, List.of(), List.of());
            var refusal = access.refusal("Bearer anything").orElseThrow();
            assertEquals(503, refusal.getStatus());
            assertEquals(new ErrorBody("admin token not configured", 503), refusal.getEntity());
            assertFalse(access.compatAdmitted("Bearer anything", ip("127.0.0.1")), "no allowlist: loopback needs the token too");
        }
    }

    @Test
    void anAllowlistAdmitsItsNetworksAndLoopbackWithoutTheToken() {
        AdminAccess access = new AdminAccess(Optional.of("admin-secret"), List.of("192.168.1.0/24", "10.0.0.7", "fd00::/8"),
                List.of());
        assertTrue(access.compatAdmitted(null, ip("192.168.1.200")));
        assertTrue(access.compatAdmitted(null, ip("10.0.0.7")));
        assertTrue(access.compatAdmitted(null, ip("fd12::1")));
        assertTrue(access.compatAdmitted(null, ip("127.0.0.1")));
        assertTrue(access.compatAdmitted(null, ip("::1")));
        assertFalse(access.compatAdmitted(null, ip("192.168.2.1")));
        assertFalse(access.compatAdmitted(null, ip("10.0.0.8")));
        assertTrue(access.compatAdmitted("Bearer admin-secret", ip("203.0.113.9")), "the token works from anywhere");
    }

    @Test
    void aBadNetworkStopsStartUpNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdminAccess(Optional.of("t"), List.of("192.168.1.0/33"), List.of()));
        assertEquals("imgboard.admin.allowed-networks: \"192.168.1.0/33\" has a prefix length outside 0-32", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AdminAccess(Optional.of("t"), List.of("nas.local"), List.of()));
    }
}
