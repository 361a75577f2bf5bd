package io.imgboard.ledger.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class OriginRepository implements PanacheRepositoryBase<OriginEntity, Long> {

    public Optional<OriginEntity> findBySourceAndPath(String sourceId, String path) {
        return find("sourceId = ?1 and path = ?2", sourceId, path).firstResultOptional();
    }

    /** Origins of the given photos, oldest first (the first is the photo's original arrival). */
    public List<OriginEntity> ofPhotos(Collection<UUID> photoIds) {
        if (photoIds.isEmpty()) {
            return List.of();
        }
        return list("photoId in ?1", Sort.ascending("firstSeenAt", "id"), photoIds);
    }
}
