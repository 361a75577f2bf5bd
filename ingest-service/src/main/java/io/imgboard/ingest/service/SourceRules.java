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
    private final List<PathMatcher> include;
    private final List<PathMatcher> exclude;
    /** The include globs in lower case, matched against the path in lower case: for {@link #leftOutByCase}. */
    private final List<PathMatcher> includeIgnoringCase;

    private SourceRules(List<PathMatcher> include, List<PathMatcher> exclude, List<PathMatcher> includeIgnoringCase) {
        this.include = include;
        this.exclude = exclude;
        this.includeIgnoringCase = includeIgnoringCase;
    }

    static SourceRules of(SourceSettings source) {
        return new SourceRules(matchers(source.include()), matchers(source.exclude()),
                matchers(source.include().stream().map(g -> g.toLowerCase(Locale.ROOT)).toList()));
    }

    /** Whether a folder (path relative to the source) is left out with all it holds. */
    boolean skipsFolder(String rel) {
        return isBuiltInFolder(rel) || matches(exclude, rel);
    }

    /**
     * Whether a folder is left out by the source's exclude globs (not by the built-in rules), which a scan
     * counts as it counts the files of {@link #leftOutByGlobs}: what such a folder holds is never seen.
     */
    boolean folderLeftOutByGlobs(String rel) {
        return !isBuiltInFolder(rel) && matches(exclude, rel);
    }

    private static boolean isBuiltInFolder(String rel) {
        return FileKinds.isLitterFolder(lastSegment(rel));
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

    /**
     * Whether a file is left out by the source's own globs (not by the built-in litter rules), which a
     * scan counts so that a person sees why a folder's files were not taken.
     */
    boolean leftOutByGlobs(String rel) {
        return !FileKinds.isLitter(lastSegment(rel)) && !takes(rel);
    }

    /**
     * Whether a file the include globs leave out would be taken if they ignored case: {@code *.jpg} against
     * a camera's {@code IMG_0001.JPG}. Globs match case for case, as the JDK's and rsync's do; the scan
     * says so rather than guessing what was meant.
     */
    boolean leftOutByCase(String rel) {
        return !include.isEmpty() && !takes(rel) && !FileKinds.isLitter(lastSegment(rel)) && !matches(exclude, rel)
                && matches(includeIgnoringCase, rel.toLowerCase(Locale.ROOT));
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
