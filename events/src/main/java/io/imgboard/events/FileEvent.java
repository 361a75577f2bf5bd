package io.imgboard.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.UUID;

/** Records on {@link Topics#FILES}: what sources saw happen to files at the places they watch. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FileArrived.class, name = "FileArrived"),
        @JsonSubTypes.Type(value = FileRemoved.class, name = "FileRemoved"),
        @JsonSubTypes.Type(value = FileMoved.class, name = "FileMoved"),
        @JsonSubTypes.Type(value = FileSkipped.class, name = "FileSkipped"),
        @JsonSubTypes.Type(value = FileExported.class, name = "FileExported")
})
public sealed interface FileEvent permits FileArrived, FileRemoved, FileMoved, FileSkipped, FileExported {
    UUID eventId();

    Instant occurredAt();

    /** Where the file came from, e.g. {@code upload:api}, {@code dav:alice-iphone} or {@code folder:nas}. */
    String sourceId();

    /** The file's path within its source, as the source names it (never used as a local path). */
    String path();

    /**
     * The first character that no text of a file event may carry (a control character: below U+0020,
     * or U+007F), or -1 for none. Consumers refuse an event with one; a source leaves such a name out.
     */
    static int forbiddenCharacter(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return c;
            }
        }
        return -1;
    }

    /**
     * The Kafka key: the source. Every event of a source is on one partition, in the order the source saw
     * it. A move spans two paths (the arrival at its old path comes before it, a removal or a new file at
     * its new path after it), so keyed by path the ledger could take a removal before the move it follows.
     */
    default String key() {
        return sourceId();
    }

    /** The file's place, {@code <sourceId>:<path>}, for messages that name it. */
    default String place() {
        return sourceId() + ":" + path();
    }
}
