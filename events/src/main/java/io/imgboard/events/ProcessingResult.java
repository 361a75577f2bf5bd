package io.imgboard.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.time.Instant;
import java.util.UUID;

/** Records on {@link Topics#PROCESSING_RESULTS}. Keyed by photo id. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = PhotoProcessed.class, name = "PhotoProcessed"),
        @JsonSubTypes.Type(value = ProcessingFailed.class, name = "ProcessingFailed")
})
public sealed interface ProcessingResult permits PhotoProcessed, ProcessingFailed {
    UUID eventId();

    Instant occurredAt();

    UUID photoId();

    /** The {@link ProcessRequested#eventId()} this answers. */
    UUID requestId();
}
