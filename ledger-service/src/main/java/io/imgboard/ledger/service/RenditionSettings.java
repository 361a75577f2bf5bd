package io.imgboard.ledger.service;

import io.imgboard.events.RenditionSpec;
import io.imgboard.ledger.persistence.RenditionSpecRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rendition set; the ledger is its one authority and every ProcessRequested carries it. A change of
 * any box (name, width, height) starts a reprocess job for all photos, replacing a running one; a
 * quality-only change applies to photos processed from then on.
 */
@ApplicationScoped
public class RenditionSettings {
    static final int MAX_RENDITIONS = 8;

    /** The answer to a PUT. */
    public record Change(boolean changed, boolean reprocessing, JobView job) {
    }

    private final RenditionSpecRepository specs;
    private final ReprocessJobs jobs;

    RenditionSettings(RenditionSpecRepository specs, ReprocessJobs jobs) {
        this.specs = specs;
        this.jobs = jobs;
    }

    @Transactional
    public List<RenditionSpec> current() {
        return specs.current();
    }

    /** @throws IllegalArgumentException naming what is wrong with the set */
    @Transactional
    public Change replace(List<RenditionSpec> wanted) {
        validate(wanted);
        specs.lock();
        List<RenditionSpec> before = specs.current();
        if (before.equals(wanted)) {
            return new Change(false, false, null);
        }
        specs.replace(wanted);
        if (boxes(before).equals(boxes(wanted))) {
            Log.infof("rendition quality changed; applies to photos processed from now on");
            return new Change(true, false, null);
        }
        Log.infof("rendition boxes changed to %s; reprocessing every photo", wanted);
        return new Change(true, true, jobs.start("all", true));
    }

    private static Set<List<Object>> boxes(List<RenditionSpec> set) {
        Set<List<Object>> boxes = new HashSet<>();
        set.forEach(s -> boxes.add(List.of(s.name(), s.width(), s.height())));
        return boxes;
    }

    static void validate(List<RenditionSpec> set) {
        if (set == null || set.isEmpty()) {
            throw new IllegalArgumentException("renditions must list at least one rendition");
        }
        if (set.size() > MAX_RENDITIONS) {
            throw new IllegalArgumentException("at most " + MAX_RENDITIONS + " renditions");
        }
        Set<String> names = new HashSet<>();
        for (RenditionSpec spec : set) {
            if (spec == null) {
                throw new IllegalArgumentException("renditions must not contain null");
            }
            spec.check(); // what the preprocessor can make and the display serve, refused before it is saved
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("rendition " + spec.name() + " is listed twice");
            }
        }
    }
}
