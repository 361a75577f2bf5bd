package io.imgboard.support;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestPathTest {
    @Test
    void everySpellingTheRoutersForgiveComesOutAsThePathTheyRoute() {
        // each of these reached /api/admin/config or /api/v1/devices past a guard that compared the path as sent
        for (String spelling : new String[] {"/api/admin/config", "//api/admin/config", "/api//admin/config",
                "/api/./admin/config", "/x/../api/admin/config", "/%61pi/admin/config", "/api/%61dmin/config",
                "/api;x/admin/config", "/api/admin;x/config", "/api/admin/config;jsessionid=1", "/../api/admin/config",
                "/api/admin/config?x=1", "/api%2Fadmin/config", "/api/admin/%2e%2e/admin/config"}) {
            assertEquals("/api/admin/config", RequestPath.canonical(spelling), spelling);
        }
        assertEquals("/api/v1/devices", RequestPath.canonical("/api/v1/devices;x"));
        assertEquals("/api/v1/devices/alice", RequestPath.canonical("/api/v1;x/devices/alice"));
        assertEquals("/api/v1/uploads/rejections", RequestPath.canonical("/api/v1/uploads;x/rejections"));
    }

    @Test
    void keepsWhatRoutesTellApart() {
        assertEquals("/", RequestPath.canonical(""));
        assertEquals("/", RequestPath.canonical("/"));
        assertEquals("/frames/", RequestPath.canonical("/frames/"));
        assertEquals("/Api/Admin", RequestPath.canonical("/Api/Admin"));
        assertEquals("/100%", RequestPath.canonical("/100%"), "a lone % is no escape");
        assertEquals("/100%zz", RequestPath.canonical("/100%zz"));
        assertEquals("/caf\u00e9.jpg", RequestPath.canonical("/caf%C3%A9.jpg"));
        assertEquals("/a%2F", RequestPath.canonical("/a%252F"), "decoded once, as a router does");
    }

    @Test
    void atOrUnderAPrefixIsTheSegmentNotTheLetters() {
        assertTrue(RequestPath.isAtOrUnder("/api/admin", "/api/admin"));
        assertTrue(RequestPath.isAtOrUnder("/api/admin/config", "/api/admin"));
        assertFalse(RequestPath.isAtOrUnder("/api/administrator", "/api/admin"));
    }
}
