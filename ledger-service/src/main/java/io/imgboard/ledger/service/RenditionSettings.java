package io.imgboard.ledger.service;

import io.imgboard.events.RenditionSpec;
import io.imgboard.ledger.persistence.RenditionSpecRepository;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rendition set; the ledger is its one authority and every ProcessRequested carries it. A change of
 * any box (name, width, height) starts a reprocess job for all photos, replacing a running one; a
 * quality-only change applies to photos processed from then on.
 */
@ApplicationScoped
public class RenditionSettings {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,31}");
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
            if (spec.name() == null || !NAME.matcher(spec.name()).matches()) {
                throw new IllegalArgumentException("rendition name must be 1-32 of a-z, 0-9, _ and -, starting with a letter"
                        + " or digit, not " + Objects.toString(spec.name()));
            }
            if (!names.add(spec.name())) {
                throw new IllegalArgumentException("rendition " + spec.name() + " is listed twice");
            }
            if (spec.width() < 1 || spec.width() > 16384 || spec.height() < 1 || spec.height() > 16384) {
                throw new IllegalArgumentException("rendition " + spec.name() + ": width and height must be 1-16384");
            }
            if (spec.quality() < 1 || spec.quality() > 100) {
                throw new IllegalArgumentException("rendition " + spec.name() + ": quality must be 1-100");
            }
        }
    }
}
