package io.imgboard.support;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import io.smallrye.config.ConfigMapping;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Who is calling: the connection's peer, or, when that peer is one of {@code imgboard.auth.trusted-proxies}
 * ({@code IMGBOARD_AUTH_TRUSTED_PROXIES}, IP addresses or CIDR networks, none by default), the last
 * {@code X-Forwarded-For} hop that is not itself a trusted proxy; when every hop is in a trusted network,
 * the first (the address the first proxy saw: a phone on the same private network as the proxies is
 * itself, not the proxy). The one rule for every service that
 * judges callers by address: ingest and the display count wrong tokens per caller ({@link FailedAttempts}),
 * and the display admits img-board's allowed networks by it.
 *
 * <p>With no proxies configured the header is never believed: any client could otherwise name a fresh
 * address per guess, or one on an allowed network (Quarkus' own forwarding support trusts every peer when
 * it is given no list). Behind a reverse proxy that is not configured, every caller has the proxy's
 * address, so ten wrong tokens from anyone lock everyone out for the window: configure the proxy.
 *
 * <p>Addresses are read as literals only, never looked up: a header's value causes no DNS query.
 */
@ApplicationScoped
public class ClientAddress {
    public static final String TRUSTED_PROXIES = "imgboard.auth.trusted-proxies";

    /** Beside {@link FailedAttempts.Limits}, under the same prefix. */
    @ConfigMapping(prefix = "imgboard.auth")
    public interface Proxies {
        Optional<List<String>> trustedProxies();
    }

    private final List<IpSubnetFilterRule> proxies;

    @Inject
    public ClientAddress(Proxies config) {
        this(config.trustedProxies().orElse(List.of()));
    }

    public ClientAddress(List<String> trustedProxies) {
        this.proxies = networks(TRUSTED_PROXIES, trustedProxies);
    }

    /**
     * Who called: {@code address}, the caller to judge (null when it cannot be known: admit by token
     * only), and {@code counted}, the address its wrong tokens count against, never null when the peer
     * is an address (a caller that cannot be known must not escape the limit).
     */
    public record Caller(InetAddress address, InetAddress counted) {
    }

    /**
     * The caller, from the peer's address as the HTTP server reports it and every {@code X-Forwarded-For}
     * line of the request (a proxy may add a line of its own rather than append to the client's), read as
     * one list from the nearest hop back. A hop that is not an address, or is a loopback one (no proxy
     * reports a client as itself, but a client can write it), ends the walk: no caller, its wrong tokens
     * counted against the nearest hop that could be judged.
     */
    public Caller caller(String peerHost, List<String> forwardedFor) {
        InetAddress peer = literal(peerHost);
        if (peer == null || forwardedFor == null || forwardedFor.isEmpty() || !within(proxies, peer)) {
            return new Caller(peer, peer);
        }
        List<String> hops = forwardedFor.stream().flatMap(line -> java.util.Arrays.stream(line.split(",", -1))).toList();
        InetAddress nearest = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i).strip());
            if (hop == null || hop.isLoopbackAddress()) {
                return new Caller(null, nearest);
            }
            if (!within(proxies, hop)) {
                return new Caller(hop, hop);
            }
            nearest = hop;
        }
        return new Caller(nearest, nearest);
    }

    /**
     * The one client an address stands for, as every per-client count keys it (wrong tokens, frame streams):
     * IPv4 as it is (an IPv4-mapped IPv6 address too); IPv6 by its /64, since one subscriber's network holds
     * a whole /64 whose privacy addresses come and go; a link-local IPv6 address whole (every neighbour on the
     * link shares fe80::/64). Null for null.
     */
    public static String key(InetAddress address) {
        if (address == null) {
            return null;
        }
        byte[] bytes = ipv4(address.getAddress());
        if (bytes.length == 4) {
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        if (address.isLinkLocalAddress()) {
            return address.getHostAddress();
        }
        StringBuilder network = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            network.append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff)).append(':');
        }
        return network.append(":/64").toString();
    }

    /** Whether the address is this host's own (loopback), an IPv4-mapped one included. */
    public static boolean isLoopback(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] bytes = ipv4(address.getAddress());
        return address.isLoopbackAddress() || bytes.length == 4 && bytes[0] == 127;
    }

    /** An IPv4-mapped IPv6 address's four bytes; other addresses' bytes as they are. */
    private static byte[] ipv4(byte[] bytes) {
        if (bytes.length != 16) {
            return bytes;
        }
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return bytes;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff ? java.util.Arrays.copyOfRange(bytes, 12, 16) : bytes;
    }

    /**
     * A literal IPv4 or IPv6 address ({@code 192.0.2.4}, {@code ::1}, {@code [::1]}, {@code fe80::1%2});
     * null for anything else, host names included.
     */
    public static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        // Netty's parser: null for anything that is not an address; InetAddress.getByName would look a
        // malformed one (999.1.1.1) up in the DNS
        return NetUtil.createInetAddressFromIpAddressString(bare);
    }

    /** Parses {@code a.b.c.d}, {@code a.b.c.0/24}, {@code fd00::/8}; a bad entry stops start-up naming {@code key} and the entry. */
    public static List<IpSubnetFilterRule> networks(String key, List<String> entries) {
        return entries.stream().map(String::strip).filter(e -> !e.isEmpty()).map(entry -> {
            int slash = entry.indexOf('/');
            InetAddress address = literal(slash < 0 ? entry : entry.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException(key + ": \"" + entry + "\" is not an IP address or CIDR network");
            }
            int max = address.getAddress().length * 8;
            int prefix;
            try {
                prefix = slash < 0 ? max : Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException(key + ": \"" + entry + "\" has a prefix length outside 0-" + max);
            }
            return new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT);
        }).toList();
    }

    /** True when {@code address} lies in one of {@code networks}. */
    public static boolean within(List<IpSubnetFilterRule> networks, InetAddress address) {
        if (address == null) {
            return false;
        }
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        return networks.stream().anyMatch(rule -> rule.matches(socket));
    }
}
