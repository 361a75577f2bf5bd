package io.imgboard.ingest.service;

import io.imgboard.events.RemovalPolicy;
import io.imgboard.events.SourceIds;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A folder source as a person configures it (issue 6): the folder, what to take from it, how often
 * to look, and what to do with a file once it is stored and when it disappears.
 *
 * @param include      globs a file's path (relative to {@code path}) must match, any of them; empty = all
 * @param exclude      globs that drop a file or a whole folder, in addition to the built-in ignores
 * @param afterImport  {@code keep}, {@code archive} (move to {@code archivePath}) or {@code delete}
 */
public record SourceSettings(String id, String path, Boolean recursive, List<String> include, List<String> exclude,
                             Integer pollSeconds, Integer stableSeconds, String afterImport, String archivePath,
                             String onDelete) {

    public static final int DEFAULT_POLL_SECONDS = 2;
    /**
     * One second: with change hints and a re-check exactly when the window ends, a dropped file reaches
     * the frames in about 2 s (README, Performance). A writer that stalls longer mid-file (a slow SMB or
     * NFS client, attribute caching) needs a longer window for its source: README, folder sources.
     */
    public static final int DEFAULT_STABLE_SECONDS = 1;
    private static final List<String> AFTER_IMPORT = List.of("keep", "archive", "delete");
    private static final List<String> ON_DELETE = List.of("retire", "keep");

    /** The same settings with every default filled in and the words lower-cased. */
    public SourceSettings withDefaults() {
        return new SourceSettings(id, path == null ? null : path.strip(), recursive == null || recursive,
                include == null ? List.of() : List.copyOf(include), exclude == null ? List.of() : List.copyOf(exclude),
                pollSeconds == null ? DEFAULT_POLL_SECONDS : pollSeconds,
                stableSeconds == null ? DEFAULT_STABLE_SECONDS : stableSeconds,
                afterImport == null ? "keep" : afterImport.strip().toLowerCase(Locale.ROOT),
                archivePath == null || archivePath.isBlank() ? null : archivePath.strip(),
                onDelete == null ? "retire" : onDelete.strip().toLowerCase(Locale.ROOT));
    }

    /** The same settings under another id (the id of a PUT comes from the URL). */
    public SourceSettings withId(String newId) {
        return new SourceSettings(newId, path, recursive, include, exclude, pollSeconds, stableSeconds, afterImport,
                archivePath, onDelete);
    }

    /** Everything wrong with these settings (after {@link #withDefaults()}), for a person to fix; empty when valid. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!SourceIds.validName(id)) {
            problems.add("invalid source id \"" + id + "\": use " + SourceIds.NAME_RULE);
        }
        // A control character (a NUL, a line break) names no folder anyone meant, and would break the log lines
        // that quote the path: refused before anything takes the text for a path.
        List<String> texts = concat(include, exclude);
        texts.add(path);
        texts.add(archivePath);
        for (String text : texts) {
            if (text != null && text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                problems.add("a path or glob holds a control character (such as a NUL or a line break): give it as plain text");
                return problems;
            }
        }
        if (path == null || path.isBlank()) {
            problems.add("no path: give the folder to watch as an absolute path");
        } else if (!Path.of(path).isAbsolute()) {
            problems.add("path \"" + path + "\" is not absolute");
        }
        if (pollSeconds != null && (pollSeconds < 1 || pollSeconds > 86_400)) {
            problems.add("pollSeconds must be between 1 and 86400");
        }
        if (stableSeconds != null && (stableSeconds < 0 || stableSeconds > 86_400)) {
            problems.add("stableSeconds must be between 0 and 86400");
        }
        if (!AFTER_IMPORT.contains(afterImport)) {
            problems.add("afterImport must be keep, archive or delete, not \"" + afterImport + "\"");
        }
        if ("archive".equals(afterImport)) {
            if (archivePath == null) {
                problems.add("afterImport archive needs an archivePath");
            } else if (!Path.of(archivePath).isAbsolute()) {
                problems.add("archivePath \"" + archivePath + "\" is not absolute");
            } else if (path != null && Path.of(path).isAbsolute()
                    && Path.of(archivePath).normalize().startsWith(Path.of(path).normalize())) {
                problems.add("archivePath must lie outside the source folder, or archived files would be found again");
            }
        }
        if (!ON_DELETE.contains(onDelete)) {
            problems.add("onDelete must be retire or keep, not \"" + onDelete + "\"");
        }
        for (String glob : concat(include, exclude)) {
            try {
                java.nio.file.FileSystems.getDefault().getPathMatcher("glob:" + glob);
            } catch (java.util.regex.PatternSyntaxException e) {
                // the JDK's own message quotes the regular expression the glob became, which the person never wrote
                problems.add("invalid glob \"" + glob + "\": " + e.getDescription().replace("'", "")
                        + "; globs look like *.jpg, **/@eaDir/** or *.{jpg,JPG}");
            } catch (RuntimeException e) {
                problems.add("invalid glob \"" + glob + "\": " + e.getMessage());
            }
        }
        return problems;
    }

    public RemovalPolicy removalPolicy() {
        return "keep".equals(onDelete) ? RemovalPolicy.KEEP : RemovalPolicy.RETIRE;
    }

    /** What every folder source's event source id starts with. */
    public static final String FOLDER_PREFIX = io.imgboard.events.SourceIds.FOLDER;

    /** The event source id: {@code folder:<id>}. */
    public String sourceId() {
        return FOLDER_PREFIX + id;
    }

    /**
     * {@code IMGBOARD_SOURCES}: {@code ;}-separated {@code id=path} pairs, in order.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code id=path}
     */
    public static Map<String, String> parseList(String text) {
        Map<String, String> sources = new LinkedHashMap<>();
        if (text == null) {
            return sources;
        }
        for (String entry : text.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.indexOf('=');
            if (eq <= 0 || eq == entry.length() - 1) {
                throw new IllegalArgumentException("IMGBOARD_SOURCES entry \"" + entry.strip()
                        + "\" is not id=path (for example nas=/mnt/photos/raw)");
            }
            sources.put(entry.substring(0, eq).strip(), entry.substring(eq + 1).strip());
        }
        return sources;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>();
        if (a != null) {
            all.addAll(a);
        }
        if (b != null) {
            all.addAll(b);
        }
        return all;
    }
}
