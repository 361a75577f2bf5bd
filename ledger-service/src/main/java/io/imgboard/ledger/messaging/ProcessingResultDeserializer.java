package io.imgboard.ledger.messaging;

import io.imgboard.events.ProcessingResult;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/** JSON to PhotoProcessed / ProcessingFailed, chosen by the {@code type} property the contract declares. */
public class ProcessingResultDeserializer extends ObjectMapperDeserializer<ProcessingResult> {
    public ProcessingResultDeserializer() {
        super(ProcessingResult.class);
    }
}
