package io.imgboard.ingest.service;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which files of a folder a source takes: never the litter of NAS boxes, desktops and sync tools
 * (built in, FIELD-NOTES "Folder sources on NFS/SMB mounts"), then the source's own exclude and
 * include globs, matched against the path relative to the source's folder.
 */
final class SourceRules {
    /** Folders no photo lives in: Synology and QNAP metadata and recycle bins. Dot-folders too (below). */
    private static final Set<String> IGNORED_FOLDERS = Set.of("@eadir", "#recycle", "#snapshot", "@recycle");

    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;

    private SourceRules(List<PathMatcher> include, List<PathMatcher> exclude) {
        this.include = include;
        this.exclude = exclude;
    }

    static SourceRules of(SourceSettings source) {
        return new SourceRules(matchers(source.include()), matchers(source.exclude()));
    }

    /** Whether a folder (path relative to the source) is left out with all it holds. */
    boolean skipsFolder(String rel) {
        String name = lastSegment(rel);
        if (name.startsWith(".") || IGNORED_FOLDERS.contains(name.toLowerCase(Locale.ROOT))) {
            return true;
        }
        return matches(exclude, rel);
    }

    /** Whether a file (path relative to the source) is taken. */
    boolean takes(String rel) {
        if (FileKinds.isLitter(lastSegment(rel))) {
            return false;
        }
        if (matches(exclude, rel)) {
            return false;
        }
        return include.isEmpty() || matches(include, rel);
    }

    private static boolean matches(List<PathMatcher> matchers, String rel) {
        Path path = Path.of(rel);
        Path name = path.getFileName();
        for (PathMatcher m : matchers) {
            if (m.matches(path) || (name != null && m.matches(name))) {
                return true;
            }
        }
        return false;
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        return globs.stream().filter(g -> !g.isBlank())
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g.strip())).toList();
    }

    private static String lastSegment(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }
}
