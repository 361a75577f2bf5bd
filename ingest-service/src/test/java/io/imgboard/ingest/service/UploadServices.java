package io.imgboard.ingest.service;

import io.imgboard.ingest.messaging.FileEventPublisher;
import io.imgboard.ingest.storage.OriginalStore;
import io.micrometer.core.instrument.MeterRegistry;

/** An upload service built from parts a test chooses (the constructor is package-private). */
public final class UploadServices {
    private UploadServices() {
    }

    public static UploadService of(OriginalStore store, FileEventPublisher publisher, Rejections rejections,
                                   MeterRegistry registry) {
        return new UploadService(store, publisher, rejections, registry);
    }
}
