package io.imgboard.ingest.service;

import io.quarkus.logging.Log;

import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Folders the operator handed to ingest in its environment, and the one rule for whether a path lies in
 * them: compared by real path, so a link inside an allowed folder that leads out of it does not count
 * as inside. A path that does not exist (yet) counts by its nearest existing parent, real, and the rest
 * as written; whoever then creates or uses it checks again. Export folders
 * ({@code IMGBOARD_EXPORT_ALLOWED_ROOTS}) and folder sources ({@code IMGBOARD_SOURCE_ROOTS})
 * are both confined by it.
 */
public final class AllowedRoots {
    /** A path and the allowed root that holds it, both with their links resolved. */
    public record Held(Path root, Path path) {
    }

    private final List<Path> roots;

    private AllowedRoots(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /**
     * {@code text}: {@code ;}-separated absolute folders, as {@code setting} (the variable a person sets)
     * holds them; an entry that is not an absolute path is ignored with a warning.
     */
    public static AllowedRoots parse(String setting, String text) {
        List<Path> roots = new ArrayList<>();
        for (String entry : text == null ? new String[0] : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                Path root = Path.of(entry.strip());
                if (root.isAbsolute()) {
                    roots.add(root.normalize());
                } else {
                    Log.warnf("%s entry %s ignored: not an absolute path", setting, entry.strip());
                }
            } catch (InvalidPathException e) {
                Log.warnf("%s entry ignored: %s", setting, e.getMessage());
            }
        }
        return new AllowedRoots(roots);
    }

    /** One folder, not from a list (where a {@code ;} would be part of its name). */
    public static AllowedRoots of(Path root) {
        return new AllowedRoots(List.of(root.normalize()));
    }

    /** These roots and {@code more} (absolute folders from elsewhere in the configuration). */
    public AllowedRoots and(List<Path> more) {
        List<Path> all = new ArrayList<>(roots);
        more.stream().map(Path::normalize).filter(p -> !all.contains(p)).forEach(all::add);
        return new AllowedRoots(all);
    }

    /** The roots as configured, for messages. */
    public List<Path> roots() {
        return roots;
    }

    public boolean isEmpty() {
        return roots.isEmpty();
    }

    /** The allowed root {@code path} lies in (or is), both real; empty when none holds it or a root does not exist. */
    public Optional<Held> holding(Path path) {
        Path real = real(path);
        if (real == null) {
            return Optional.empty();
        }
        for (Path root : roots) {
            Path realRoot = FolderScanner.realOrNull(root);
            if (realRoot != null && real.startsWith(realRoot)) {
                return Optional.of(new Held(realRoot, real));
            }
        }
        return Optional.empty();
    }

    /**
     * The path with its links resolved: its nearest existing parent's real path and the rest as written
     * ({@code ..} in that rest taken by name: nothing below a missing folder exists to lead elsewhere).
     * Null for a relative or unusable path.
     */
    public static Path real(Path path) {
        if (path == null || !path.isAbsolute()) {
            return null;
        }
        for (Path existing = path; existing != null; existing = existing.getParent()) {
            try {
                Path real = existing.toRealPath();
                return real.resolve(existing.relativize(path)).normalize();
            } catch (IOException | InvalidPathException e) {
                // missing or unreadable: its parent decides
            }
        }
        return null;
    }
}
