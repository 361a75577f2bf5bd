package io.imgboard.ledger.service;

import io.imgboard.events.SourceIds;
import io.imgboard.ledger.persistence.SourceCountRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.util.ArrayList;
import java.util.List;

/**
 * The sources a search names. A person types a source as the ledger lists it ({@code folder:nas}) or by its name
 * alone ({@code nas}), as a frame's filter takes it; {@link SourceIds} decides which ids a name picks.
 */
@ApplicationScoped
public class SourceNames {
    private final SourceCountRepository counts;

    SourceNames(SourceCountRepository counts) {
        this.counts = counts;
    }

    /** The source ids {@code name} picks, or null for no name (any source). */
    @Transactional
    public List<String> idsFor(String name) {
        if (name == null || name.isBlank()) {
            return null;
        }
        String typed = name.strip();
        List<String> ids = new ArrayList<>(counts.sourceIds().stream().filter(id -> SourceIds.answersTo(id, typed)).toList());
        if (!ids.contains(typed)) {
            ids.add(typed);
        }
        return ids;
    }
}
