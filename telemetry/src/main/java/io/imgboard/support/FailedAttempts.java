package io.imgboard.support;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Failed token attempts per client address: after {@code imgboard.auth.max-failures} wrong tokens
 * within {@code imgboard.auth.failure-window} (counted from the first of them), every further
 * request carrying a token from that address answers 429 until the window is over. Even the right
 * token is not checked then, or a guesser would still learn which guess was right.
 *
 * <p>A token that was right before, from the same address, is still checked while the address is held:
 * one guesser behind a shared address (a NAT, a reverse proxy without {@code trusted-proxies}) would
 * otherwise lock out the admin and every phone behind it. That tells a guesser nothing, since none of
 * its guesses was ever right. The last {@value #KNOWN_PER_ADDRESS} such tokens per address are kept,
 * as 64-bit pieces of their SHA-256, for at most {@value #MAX_ADDRESSES} addresses.
 *
 * <p>Only a token the address has not sent before in the window counts: a guess is a new token. A
 * stale one sent again and again (a page loading a dozen resources with an old token, a sync client
 * with an old password) is one wrong token, so it does not lock everyone behind that address out.
 *
 * <p>Memory stays bounded: at most {@value #MAX_ADDRESSES} addresses are tracked; when the table is
 * full, ended windows go first, then the oldest. An IPv6 caller is counted by its /64, since one
 * host usually holds a whole /64 and could otherwise pick a fresh address per guess ({@link ClientAddress#key},
 * which frame streams are counted by too).
 *
 * <p>One class for every service (ingest's {@code RequestGate}, the ledger's {@code ServiceTokenFilter},
 * the display's {@code AdminAccess}), so the limit and its configuration mean the same everywhere.
 */
@ApplicationScoped
public class FailedAttempts {
    public static final int MAX_ADDRESSES = 10_000;
    public static final int KNOWN_PER_ADDRESS = 32;

    @ConfigMapping(prefix = "imgboard.auth")
    public interface Limits {
        /** Wrong tokens an address may send within one window. */
        @WithDefault("10")
        int maxFailures();

        /** How long an address's count lasts, from its first failure. */
        @WithDefault("1m")
        Duration failureWindow();
    }

    /**
     * One address's count and the tokens it counted (a 64-bit piece of each one's SHA-256, at most
     * {@code maxFailures}); replaced, never mutated, so the map's atomic operations suffice.
     */
    private record Window(long startNanos, int failures, long[] seen) {
        boolean counted(long token) {
            for (int i = 0; i < failures; i++) {
                if (seen[i] == token) {
                    return true;
                }
            }
            return false;
        }

        Window plus(long token, int max) {
            if (failures >= max || counted(token)) {
                return this;
            }
            long[] more = Arrays.copyOf(seen, failures + 1);
            more[failures] = token;
            return new Window(startNanos, failures + 1, more);
        }
    }

    /** Tokens once right from an address, newest last; replaced, never mutated. */
    private record Known(long lastNanos, long[] tokens) {
        boolean has(long token) {
            for (long t : tokens) {
                if (t == token) {
                    return true;
                }
            }
            return false;
        }

        Known plus(long token, long now) {
            if (has(token)) {
                return new Known(now, tokens);
            }
            long[] more = tokens.length < KNOWN_PER_ADDRESS ? Arrays.copyOf(tokens, tokens.length + 1)
                    : Arrays.copyOfRange(tokens, 1, tokens.length + 1);
            more[more.length - 1] = token;
            return new Known(now, more);
        }
    }

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, Known> known = new ConcurrentHashMap<>();

    @Inject
    FailedAttempts(Limits limits) {
        this(limits.maxFailures(), limits.failureWindow(), System::nanoTime);
    }

    public FailedAttempts(int maxFailures, Duration window, LongSupplier clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("imgboard.auth.max-failures must be at least 1, not " + maxFailures);
        }
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("imgboard.auth.failure-window must be positive, not " + window);
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    /**
     * @return whole seconds the address must wait (for {@code Retry-After}) before {@code token} is checked,
     *         or 0 when it may be: the address is not held, or the token was right from it before
     */
    public long retryAfterSeconds(InetAddress address, String token) {
        long wait = retryAfterSeconds(address);
        if (wait == 0) {
            return 0;
        }
        Known k = known.get(ClientAddress.key(address));
        return k != null && k.has(digest(token)) ? 0 : wait;
    }

    /** Remembers {@code token}, a right one from {@code address}, so that a guesser there does not lock it out. */
    public void succeeded(InetAddress address, String token) {
        if (address == null) {
            return;
        }
        long now = clock.getAsLong();
        long digest = digest(token);
        String key = ClientAddress.key(address);
        Known k = known.get(key);
        if (k != null && k.has(digest)) {
            return; // the common case, a client's every request: nothing to write
        }
        if (k == null && known.size() >= MAX_ADDRESSES) {
            known.entrySet().stream().min((a, b) -> Long.compare(a.getValue().lastNanos(), b.getValue().lastNanos()))
                    .ifPresent(oldest -> known.remove(oldest.getKey(), oldest.getValue()));
        }
        known.compute(key, (x, old) -> old == null ? new Known(now, new long[] {digest}) : old.plus(digest, now));
    }

    /** @return whole seconds the address must wait (for {@code Retry-After}), or 0 when it may try */
    public long retryAfterSeconds(InetAddress address) {
        if (address == null) {
            return 0;
        }
        Window w = windows.get(ClientAddress.key(address));
        if (w == null || w.failures() < maxFailures) {
            return 0;
        }
        long left = w.startNanos() + windowNanos - clock.getAsLong();
        return left <= 0 ? 0 : Math.max(1, (left + 999_999_999L) / 1_000_000_000L);
    }

    /** Counts {@code token}, a wrong one from {@code address}, unless that address sent it already in this window. */
    public void failed(InetAddress address, String token) {
        if (address == null) {
            return;
        }
        long now = clock.getAsLong();
        long digest = digest(token);
        String key = ClientAddress.key(address);
        if (!windows.containsKey(key) && windows.size() >= MAX_ADDRESSES) {
            makeRoom(now);
        }
        windows.compute(key, (k, w) -> w == null || now - w.startNanos() >= windowNanos
                ? new Window(now, 1, new long[] {digest}) : w.plus(digest, maxFailures));
    }

    private static long digest(String token) {
        try {
            byte[] sha = MessageDigest.getInstance("SHA-256").digest((token == null ? "" : token).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(sha).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Addresses tracked now (for tests). */
    public int tracked() {
        return windows.size();
    }

    private void makeRoom(long now) {
        windows.values().removeIf(w -> now - w.startNanos() >= windowNanos);
        while (windows.size() >= MAX_ADDRESSES) {
            windows.entrySet().stream().min((a, b) -> Long.compare(a.getValue().startNanos(), b.getValue().startNanos()))
                    .ifPresent(oldest -> windows.remove(oldest.getKey(), oldest.getValue()));
        }
    }
}
