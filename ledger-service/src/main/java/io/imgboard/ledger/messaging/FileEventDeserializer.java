package io.imgboard.ledger.messaging;

import io.imgboard.events.FileEvent;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/** JSON to FileArrived / FileRemoved, chosen by the {@code type} property the contract declares. */
public class FileEventDeserializer extends ObjectMapperDeserializer<FileEvent> {
    public FileEventDeserializer() {
        super(FileEvent.class);
    }
}
