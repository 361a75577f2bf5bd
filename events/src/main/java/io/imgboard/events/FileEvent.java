package io.imgboard.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.UUID;

/** Records on {@link Topics#FILES}: a file appeared at, or vanished from, a place a source watches. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = FileArrived.class, name = "FileArrived"),
        @JsonSubTypes.Type(value = FileRemoved.class, name = "FileRemoved")
})
public sealed interface FileEvent permits FileArrived, FileRemoved {
    UUID eventId();

    Instant occurredAt();

    /** Where the file came from, e.g. {@code upload:phone-anna} or {@code folder:nas}. */
    String sourceId();

    /** The file's path within its source, as the source names it (never used as a local path). */
    String path();

    /** The Kafka key: the order that matters is per (source, path). */
    default String key() {
        return sourceId() + ":" + path();
    }
}
