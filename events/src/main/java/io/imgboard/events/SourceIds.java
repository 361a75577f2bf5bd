package io.imgboard.events;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a person may call a source. A source id is its kind and its name ({@code folder:nas}, {@code dav:anna},
 * {@code upload:api}); people mostly know the name alone ({@code nas}). A search or a frame's filter that names a
 * source accepts either: the whole id matches that source only, a bare name every kind of source so named.
 */
public final class SourceIds {
    /** The kind of the sources of files that came in over WebDAV ({@code dav:anna}): their clients read them back. */
    public static final String DAV = "dav:";
    /** The kind of folder sources ({@code folder:nas}). */
    public static final String FOLDER = "folder:";
    /** The kind of REST uploads ({@code upload:api}, {@code upload:<source>}). */
    public static final String UPLOAD = "upload:";

    /**
     * What a source's name (the part after its kind: {@code nas} of {@code folder:nas}) may be, the one rule for
     * ingest's folder sources ({@code IMGBOARD_SOURCES}, the sources API), the display's admin relay and
     * {@code ./imgboard up --source}.
     */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    /** {@link #NAME} for a person. */
    public static final String NAME_RULE = "1 to 40 characters from a-z, 0-9 and -, starting with a letter or digit";

    private SourceIds() {
    }

    /** Whether {@code name} may name a source ({@link #NAME}). */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /** Whether files of this source are read back by their client from the stored original (WebDAV's are). */
    public static boolean readBack(String sourceId) {
        return sourceId.startsWith(DAV);
    }

    /** The names that pick this source: its id and, when it has a kind, the name after the kind. */
    public static List<String> namesOf(String sourceId) {
        int colon = sourceId.indexOf(':');
        return colon < 0 ? List.of(sourceId) : List.of(sourceId, sourceId.substring(colon + 1));
    }

    /** Whether {@code name}, as a person typed it in a search or a filter, picks the source {@code sourceId}. */
    public static boolean answersTo(String sourceId, String name) {
        return namesOf(sourceId).contains(name);
    }
}
