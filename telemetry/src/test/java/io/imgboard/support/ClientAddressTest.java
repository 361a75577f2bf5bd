package io.imgboard.support;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClientAddressTest {
    private static InetAddress ip(String literal) {
        return ClientAddress.literal(literal);
    }

    @Test
    void onlyIpLiteralsAreAddressesSoNothingAsksTheDns() {
        assertEquals("192.0.2.4", ip("192.0.2.4").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", ip("::1").getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", ip("[::1]").getHostAddress());
        assertNull(ip("example.org"));
        assertNull(ip("cafe"), "hex letters alone are a host name, not an address");
        assertNull(ip("1.2.3"));
        assertNull(ip("999.1.1.1"), "a malformed address is no address (InetAddress.getByName would ask the DNS)");
        assertNull(ip(""));
        assertNull(ip(null));
    }

    private static InetAddress caller(ClientAddress callers, String peer, String... forwardedFor) {
        return callers.caller(peer, forwardedFor.length == 0 ? null : List.of(forwardedFor)).address();
    }

    /** One key per client for every per-client count: the wrong-token limit's and the frame streams'. */
    @Test
    void aClientIsKeyedByItsIpv4AddressOrItsIpv6Network() {
        assertEquals("192.0.2.4", ClientAddress.key(ClientAddress.literal("192.0.2.4")));
        assertEquals("192.0.2.4", ClientAddress.key(ClientAddress.literal("::ffff:192.0.2.4")));
        assertEquals("2001:db8:0:1::/64", ClientAddress.key(ClientAddress.literal("2001:db8:0:1:a:b:c:d")));
        assertEquals("2001:db8:0:1::/64", ClientAddress.key(ClientAddress.literal("2001:db8:0:1::9")));
        // every neighbour on a link has fe80::/64: each link-local address is a client of its own
        assertEquals("fe80:0:0:0:1:2:3:4", ClientAddress.key(ClientAddress.literal("fe80::1:2:3:4")));
        assertEquals(null, ClientAddress.key(null));
        assertTrue(ClientAddress.isLoopback(ClientAddress.literal("::ffff:127.0.0.1")));
        assertTrue(ClientAddress.isLoopback(ClientAddress.literal("127.3.0.9")));
        assertFalse(ClientAddress.isLoopback(ClientAddress.literal("192.0.2.4")));
    }

    @Test
    void forwardedAddressesCountOnlyFromTrustedProxies() {
        ClientAddress behindProxy = new ClientAddress(List.of("10.9.0.0/24", "10.9.1.7"));
        // From a trusted proxy: the last hop that is not itself a trusted proxy is the caller.
        assertEquals(ip("192.168.1.5"), caller(behindProxy, "10.9.0.1", "203.0.113.1, 192.168.1.5"));
        assertEquals(ip("192.168.1.5"), caller(behindProxy, "10.9.0.1", "203.0.113.1, 192.168.1.5, 10.9.1.7"));
        assertEquals(ip("203.0.113.1"), caller(behindProxy, "10.9.0.1", "203.0.113.1"));
        assertEquals(ip("10.9.0.1"), caller(behindProxy, "10.9.0.1"));
        // A proxy that adds a line of its own (HAProxy's forwardfor) rather than appending: the last line is nearest.
        assertEquals(ip("192.168.1.5"), caller(behindProxy, "10.9.0.1", "198.51.100.66", "192.168.1.5"));
        // Every hop in a trusted network: the first, the address the first proxy saw (a phone on the proxies'
        // own network is itself, not the proxy that all such phones share).
        assertEquals(ip("10.9.0.77"), caller(behindProxy, "10.9.0.1", "10.9.0.77"));
        assertEquals(ip("10.9.0.77"), caller(behindProxy, "10.9.0.1", "10.9.0.77, 10.9.1.7"));
        // From anyone else the header is ignored: a client cannot name itself a fresh address per guess.
        assertEquals(ip("203.0.113.1"), caller(behindProxy, "203.0.113.1", "192.168.1.5"));
        // Nor through loopback when loopback is not configured.
        ClientAddress direct = new ClientAddress(List.of());
        assertEquals(ip("127.0.0.1"), caller(direct, "127.0.0.1", "192.168.1.5"));
    }

    /**
     * A hop that cannot be judged (not an address, empty, or loopback, which a client can write but no
     * proxy reports) gives no caller to admit, and its wrong tokens still count: against the nearest hop
     * that could be judged, never nowhere.
     */
    @Test
    void aHopThatCannotBeJudgedIsNoCallerButStillCounted() {
        ClientAddress behindProxy = new ClientAddress(List.of("10.9.0.0/24"));
        for (String header : List.of("evil.example", "", " ", "1.2.3.4,,10.9.0.8", "127.0.0.1", "::1, 10.9.0.8")) {
            ClientAddress.Caller caller = behindProxy.caller("10.9.0.1", List.of(header));
            assertNull(caller.address(), header);
            assertEquals(header.contains("10.9.0.8") ? ip("10.9.0.8") : ip("10.9.0.1"), caller.counted(), header);
        }
        ClientAddress.Caller notAnAddress = behindProxy.caller("not-an-address", List.of("192.168.1.5"));
        assertNull(notAnAddress.address());
        assertNull(notAnAddress.counted());
        ClientAddress.Caller known = behindProxy.caller("10.9.0.1", List.of("192.168.1.5"));
        assertEquals(known.address(), known.counted());
    }

    @Test
    void networksMatchByPrefixAndABadEntryStopsStartUpNamingIt() {
        var networks = ClientAddress.networks("k", List.of("192.168.1.0/24", "10.0.0.7", "fd00::/8"));
        assertTrue(ClientAddress.within(networks, ip("192.168.1.200")));
        assertTrue(ClientAddress.within(networks, ip("10.0.0.7")));
        assertTrue(ClientAddress.within(networks, ip("fd12::1")));
        assertFalse(ClientAddress.within(networks, ip("192.168.2.1")));
        assertFalse(ClientAddress.within(networks, ip("10.0.0.8")));
        assertFalse(ClientAddress.within(networks, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientAddress.networks("imgboard.auth.trusted-proxies", List.of("192.168.1.0/33")));
        assertTrue(e.getMessage().contains("imgboard.auth.trusted-proxies") && e.getMessage().contains("192.168.1.0/33"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("proxy.internal")));
    }
}
