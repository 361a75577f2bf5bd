package io.imgboard.display.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * Uploads the display refused itself, before anything reached ingest (img-board's {@code /api/admin/upload}
 * checks count, size, extension and type first): kept beside ingest's refusals, so the ops page's
 * "Refused uploads" lists every upload that was turned away, whichever door refused it.
 */
@ApplicationScoped
public class UploadRefusals {
    static final int KEPT = 100;

    private final Deque<IngestRejection> recent = new ArrayDeque<>();

    public void record(String name, String reason, int status) {
        synchronized (recent) {
            recent.addFirst(new IngestRejection(name, reason, status, Instant.now()));
            while (recent.size() > KEPT) {
                recent.removeLast();
            }
        }
    }

    /** Ingest's refusals with the display's own, newest first. */
    public Rejections withOwn(Rejections fromIngest) {
        List<IngestRejection> all = new ArrayList<>(fromIngest.rejections());
        synchronized (recent) {
            all.addAll(recent);
        }
        all.sort(Comparator.comparing(IngestRejection::at, Comparator.nullsLast(Comparator.reverseOrder())));
        return new Rejections(fromIngest.configured(), all);
    }
}
