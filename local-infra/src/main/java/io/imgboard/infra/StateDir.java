package io.imgboard.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The one folder that holds all local state: data of each server, logs, pid files and generated
 * secrets. It survives {@code down}/{@code up}; deleting it starts from nothing.
 */
public final class StateDir {
    private final Path root;

    public StateDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
        mkdirs(this.root);
        mkdirs(this.root.resolve("logs"));
        mkdirs(this.root.resolve("run"));
    }

    public Path root() {
        return root;
    }

    public Path dir(String name) {
        Path dir = root.resolve(name);
        mkdirs(dir);
        return dir;
    }

    public Path logFile(String name) {
        return root.resolve("logs").resolve(name + ".log");
    }

    public Path pidFile(String name) {
        return root.resolve("run").resolve(name + ".pid");
    }

    /**
     * A secret kept in the state folder (mode 600): generated on first use, the same afterwards, so
     * data written with it stays readable across restarts.
     */
    public String secret(String name) {
        Path file = root.resolve("secrets").resolve(name);
        try {
            if (Files.exists(file)) {
                return Files.readString(file).trim();
            }
            mkdirs(file.getParent());
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            String value = HexFormat.of().formatHex(bytes);
            Files.writeString(file, value);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InfraException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
