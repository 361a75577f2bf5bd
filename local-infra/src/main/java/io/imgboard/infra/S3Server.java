package io.imgboard.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An S3 server: s3proxy with its filesystem blob store, objects as plain files under
 * {@code <state>/s3/<bucket>/<key>}, each flushed to disk before it is acknowledged
 * ({@link io.imgboard.infra.s3.DurableS3Proxy}). It checks request signatures, so services need the credential.
 */
public final class S3Server {
    static final String NAME = "s3";
    static final String DURABLE_MAIN = "io.imgboard.infra.s3.DurableS3Proxy";
    public static final String ACCESS_KEY = "imgboard";

    private S3Server() {
    }

    public static ManagedProcess start(Layout layout, StateDir state, int port, String secretKey, List<String> buckets) {
        Ports.requireFree(port, "S3 server", "IMGBOARD_S3_PORT");
        Path home = state.dir(NAME);
        Path data = state.dir(NAME + "/data");
        for (String bucket : buckets) {
            privateDir(state.dir(NAME + "/data/" + bucket));
        }
        Path config = home.resolve("s3proxy.properties");
        try {
            Files.writeString(config, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + secretKey,
                    "jclouds.provider=filesystem",
                    "jclouds.filesystem.basedir=" + data,
                    "") + "\n");
            Files.setPosixFilePermissions(config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new InfraException("cannot write s3proxy configuration: " + e.getMessage(), e);
        }
        List<String> command = new java.util.ArrayList<>(layout.javaCommand("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC"));
        // s3proxy with a store that flushes each object to disk before answering (DurableS3Proxy)
        command.addAll(List.of("-cp", layout.s3proxyJar() + java.io.File.pathSeparator + ownClasses(),
                DURABLE_MAIN, "--properties", config.toString()));
        return ManagedProcess.start(NAME, command, Map.of(), home, state);
    }

    /**
     * Where this class was loaded from (local-infra's jar, or its classes folder in a build): it holds
     * {@link io.imgboard.infra.s3.DurableS3Proxy}, named, not loaded here (it needs s3proxy's classes, which the
     * launcher does not have).
     */
    private static String ownClasses() {
        try {
            return Path.of(S3Server.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new InfraException("cannot tell where the launcher's classes are: " + e.getMessage(), e);
        }
    }

    /**
     * s3proxy's filesystem store answers anonymous requests for a bucket whose folder others may
     * read (it maps the mode to a public-read ACL), so bucket folders must be 0700.
     */
    private static void privateDir(Path dir) {
        try {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new InfraException("cannot make " + dir + " private: " + e.getMessage(), e);
        }
    }

    public static void await(ManagedProcess process, int port, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (!Ports.isListening(port)) {
            process.requireAlive();
            if (Instant.now().isAfter(deadline)) {
                throw new InfraException("S3 server did not listen on " + port + " within " + timeout.toSeconds() + " s");
            }
            Sleeper.pause(Duration.ofMillis(100));
        }
    }

    public static String endpoint(int port) {
        return "http://127.0.0.1:" + port;
    }
}
