package io.imgboard.support;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The one failed-token limit every service uses; the services' own tests drive it over HTTP. */
class FailedAttemptsTest {

    @Test
    void anAddressIsHeldOnlyAfterTheLimitAndOnlyForTheRestOfItsWindow() throws Exception {
        AtomicLong now = new AtomicLong(0);
        FailedAttempts failures = new FailedAttempts(3, Duration.ofSeconds(30), now::get);
        InetAddress guesser = InetAddress.getByName("198.51.100.7");
        InetAddress neighbour = InetAddress.getByName("198.51.100.8");
        failures.failed(guesser, "guess-1");
        failures.failed(guesser, "guess-2");
        assertEquals(0, failures.retryAfterSeconds(guesser), "two of three");
        failures.failed(guesser, "guess-3");
        assertEquals(30, failures.retryAfterSeconds(guesser));
        assertEquals(0, failures.retryAfterSeconds(neighbour), "another IPv4 address is another client");
        now.set(Duration.ofSeconds(10).toNanos());
        assertEquals(20, failures.retryAfterSeconds(guesser));
        now.set(Duration.ofSeconds(30).toNanos());
        assertEquals(0, failures.retryAfterSeconds(guesser));
    }

    @Test
    void aWrongTokenSentAgainIsNoNewGuess() throws Exception {
        AtomicLong now = new AtomicLong(0);
        FailedAttempts failures = new FailedAttempts(3, Duration.ofSeconds(30), now::get);
        InetAddress page = InetAddress.getByName("198.51.100.9");
        for (int i = 0; i < 50; i++) {
            failures.failed(page, "yesterdays-token"); // a page's dozen requests, a sync client's retries
        }
        failures.failed(page, "typo-token");
        assertEquals(0, failures.retryAfterSeconds(page), "two distinct wrong tokens of three");
        failures.failed(page, "guess-3");
        assertEquals(30, failures.retryAfterSeconds(page), "the third distinct one");
        failures.failed(page, "yesterdays-token");
        assertEquals(30, failures.retryAfterSeconds(page));
    }

    @Test
    void aTokenRightFromTheAddressBeforeIsStillCheckedWhileItIsHeld() throws Exception {
        AtomicLong now = new AtomicLong(0);
        FailedAttempts failures = new FailedAttempts(2, Duration.ofSeconds(30), now::get);
        InetAddress nat = InetAddress.getByName("198.51.100.40");
        failures.succeeded(nat, "Bearer admins-token");
        failures.failed(nat, "Bearer guess-1");
        failures.failed(nat, "Bearer guess-2");
        assertEquals(0, failures.retryAfterSeconds(nat, "Bearer admins-token"));
        assertEquals(30, failures.retryAfterSeconds(nat, "Bearer guess-3"));
        assertEquals(30, failures.retryAfterSeconds(nat, "Bearer phones-token"), "never right from here: unchecked");
        assertEquals(30, failures.retryAfterSeconds(InetAddress.getByName("198.51.100.40"), "Bearer phones-token"));
        failures.succeeded(InetAddress.getByName("198.51.100.41"), "Bearer phones-token");
        assertEquals(30, failures.retryAfterSeconds(nat, "Bearer phones-token"), "right from another address only");
        for (int i = 0; i < FailedAttempts.KNOWN_PER_ADDRESS; i++) {
            failures.succeeded(nat, "Bearer device-" + i);
        }
        assertEquals(30, failures.retryAfterSeconds(nat, "Bearer admins-token"), "the oldest of too many is forgotten");
        assertEquals(0, failures.retryAfterSeconds(nat, "Bearer device-" + (FailedAttempts.KNOWN_PER_ADDRESS - 1)));
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() throws Exception {
        FailedAttempts failures = new FailedAttempts(2, Duration.ofMinutes(1), System::nanoTime);
        failures.failed(InetAddress.getByName("2001:db8:1:2::1"), "guess-1");
        failures.failed(InetAddress.getByName("2001:db8:1:2:ffff::9"), "guess-2");
        assertEquals(1, failures.tracked());
        assertEquals(60, failures.retryAfterSeconds(InetAddress.getByName("2001:db8:1:2::abcd")), "the same /64");
        assertEquals(0, failures.retryAfterSeconds(InetAddress.getByName("2001:db8:1:3::1")), "the next /64");
        // every neighbour on the link has fe80::/64: a guesser there holds back only itself
        failures.failed(InetAddress.getByName("fe80::1:2:3:4"), "guess-3");
        failures.failed(InetAddress.getByName("fe80::1:2:3:4"), "guess-4");
        assertEquals(60, failures.retryAfterSeconds(InetAddress.getByName("fe80::1:2:3:4")));
        assertEquals(0, failures.retryAfterSeconds(InetAddress.getByName("fe80::9")), "a neighbour on the link");
    }

    @Test
    void aLimitThatCouldNeverBeMetIsRefusedAtStart() {
        assertThrows(IllegalArgumentException.class, () -> new FailedAttempts(0, Duration.ofMinutes(1), System::nanoTime));
        assertThrows(IllegalArgumentException.class, () -> new FailedAttempts(5, Duration.ZERO, System::nanoTime));
    }
}
