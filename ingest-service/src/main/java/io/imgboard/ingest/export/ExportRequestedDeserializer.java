package io.imgboard.ingest.export;

import io.imgboard.events.ExportRequested;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/** JSON to {@link ExportRequested}, by the contract's own record. */
public class ExportRequestedDeserializer extends ObjectMapperDeserializer<ExportRequested> {
    public ExportRequestedDeserializer() {
        super(ExportRequested.class);
    }
}
