package io.imgboard.ingest;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * One test profile for the tests that need the service set apart from the plain test profile, in ways
 * that do not touch each other (each profile is one more Quarkus augmentation before the first test and
 * one more start; an augmentation took 20-30 s on the 2-core machine):
 * <ul>
 *     <li>HostileAuthTest: a low wrong-token limit with a short window, and loopback a trusted proxy, so a
 *     request without X-Forwarded-For is the peer's own. The window holds the few requests a test makes
 *     while an address is held (well under a second) many times over, and is what the last test waits out.
 *     application.properties sets
 *     {@code %test.imgboard.auth.max-failures} high for the other tests, and a profile-specific key
 *     outranks a plain one from any source: both are overridden.</li>
 *     <li>HostileSpoolTest: a free-space floor no disk has, so every body is refused.</li>
 *     <li>FolderScannerKafkaFailureTest: the service's own scans off (no tick, no change hints), and so is
 *     the outbox relay's schedule (it runs when called), so only the test scans and relays. The other two
 *     never add a source and delete or move nothing through the outbox.</li>
 * </ul>
 */
public class SharedLimitsProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "%test.imgboard.auth.max-failures", "3", "imgboard.auth.max-failures", "3", "imgboard.auth.failure-window", "6s",
                "imgboard.auth.trusted-proxies", "127.0.0.1,::1,10.77.0.0/16",
                "imgboard.upload.min-free-space", "999999G",
                "imgboard.scan.tick", "off", "imgboard.scan.watch", "false", "imgboard.outbox.relay-every", "off");
    }
}
