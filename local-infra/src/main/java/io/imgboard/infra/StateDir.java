package io.imgboard.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The one folder that holds all local state: data of each server, logs, pid files and generated
 * secrets. It survives {@code down}/{@code up}; deleting it starts from nothing.
 */
public final class StateDir {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER = PosixFilePermissions.fromString("rwx------");

    /** The folders the launcher makes in every state folder it uses; either one there marks a folder as img-board's. */
    /** What an earlier {@code up} leaves (the script's libvips and build stamp first): the script's STATE_MARKS too. */
    static final List<String> MARKS = List.of("run", "secrets", "libvips", "build.stamp");

    private final Path root;
    private final boolean looking;

    /**
     * The state folder {@code up} (and a test) runs in: created private, or taken as it is when it is an empty
     * folder or already img-board's, made its owner's only. Anything else is refused before a mode changes
     * ({@link #refusal}).
     */
    public StateDir(Path root) {
        this(root, false);
        String refusal = refusal(this.root);
        if (refusal != null) {
            throw new InfraException(refusal);
        }
        makePrivate(this.root);
        mkdirs(this.root.resolve("logs"));
        mkdirs(this.root.resolve("run"));
    }

    private StateDir(Path root, boolean looking) {
        this.root = root.toAbsolutePath().normalize();
        this.looking = looking;
    }

    /**
     * An existing state folder, for {@code down} and {@code status}, which only look: nothing is created
     * in it and no mode is changed ({@link #dir} names a folder without making it).
     */
    public static StateDir existing(Path root) {
        return new StateDir(root, true);
    }

    /**
     * Why {@code root} cannot be a state folder, or null when it can: a file, or a folder that holds
     * something and is not img-board's (no {@code run/} or {@code secrets/}), such as a home folder or a
     * shared {@code /tmp}, which {@code up} would make its owner's only and fill.
     */
    static String refusal(Path root) {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            return "IMGBOARD_HOME=" + root + " is a file, not a folder: name a new or empty folder for img-board's state";
        }
        if (Files.isDirectory(root) && !isStateFolder(root) && !isEmpty(root)) {
            return "IMGBOARD_HOME=" + root + " holds other things and is not an img-board state folder: name a new or"
                    + " empty folder, img-board makes it its owner's only";
        }
        return null;
    }

    /** Whether {@code root} is a folder an earlier {@code up} used. */
    public static boolean isStateFolder(Path root) {
        return MARKS.stream().anyMatch(mark -> Files.exists(root.resolve(mark)));
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new InfraException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path root() {
        return root;
    }

    public Path dir(String name) {
        Path dir = root.resolve(name);
        if (!looking) {
            mkdirs(dir);
        }
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
     * data written with it stays readable across restarts. It is created readable by its owner only
     * (never world-readable for a moment) and complete (written aside, then renamed); a secret file
     * others may read is made private again, and an empty one is refused rather than used.
     */
    public String secret(String name) {
        Path file = root.resolve("secrets").resolve(name);
        try {
            if (Files.exists(file)) {
                Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
                if (mode.stream().anyMatch(bit -> !OWNER.contains(bit))) {
                    mode.retainAll(OWNER);
                    Files.setPosixFilePermissions(file, mode);
                    System.err.println("imgboard: " + file + " could be read by others: it is its owner's only again");
                }
                String value = Files.readString(file).trim();
                if (value.isEmpty()) {
                    throw new InfraException(file + " is empty: put the secret back, or delete the state folder "
                            + root + " to start from nothing");
                }
                return value;
            }
            mkdirs(file.getParent());
            byte[] bytes = new byte[24];
            new SecureRandom().nextBytes(bytes);
            String value = HexFormat.of().formatHex(bytes);
            Path aside = Files.createTempFile(file.getParent(), "." + name, ".new", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(aside, value);
            Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
            return value;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The folder holds every photo (the S3 server's files), the databases, the broker's log and the secrets,
     * so it is its owner's only (700): created so, and made so again when it was made readable by others (as
     * {@code mkdir} makes it). Only the folder itself: inside, each server keeps the modes it wants, and nobody
     * else can reach them. PostgreSQL, when run as {@code postgres}, keeps its cluster outside and its log
     * through a file descriptor ({@link PostgresServer}).
     */
    private static void makePrivate(Path root) {
        if (root.getParent() != null) {
            mkdirs(root.getParent());
        }
        try {
            Files.createDirectory(root, PosixFilePermissions.asFileAttribute(OWNER));
            return;
        } catch (FileAlreadyExistsException e) {
            // below: it was there before
        } catch (UnsupportedOperationException e) {
            mkdirs(root); // not a POSIX file system: no modes to keep
            return;
        } catch (IOException e) {
            throw new InfraException("cannot create " + root + ": " + e.getMessage(), e);
        }
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(root);
            if (mode.stream().anyMatch(bit -> !OWNER.contains(bit))) {
                mode.retainAll(OWNER);
                Files.setPosixFilePermissions(root, mode);
                System.err.println("imgboard: the state folder " + root + " could be read by other users: it is its owner's only now");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        } catch (IOException e) {
            System.err.println("imgboard: the state folder " + root + " may be readable by other users and its mode cannot be"
                    + " changed (" + e.getMessage() + "): chmod 700 it");
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
