package io.imgboard.ledger.persistence;

import io.imgboard.events.SourceIds;

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

    /** Origins left for a photo and its twins. */
    public long countOfGroup(UUID primary) {
        return ((Number) getEntityManager().createNativeQuery("""
                        SELECT count(*) FROM origin WHERE photo_id = :id
                           OR photo_id IN (SELECT id FROM photo WHERE twin_of = :id)""")
                .setParameter("id", primary).getSingleResult()).longValue();
    }

    /**
     * The photo's and its twins' origins whose clients read the file back from the stored original
     * ({@link SourceIds#readBack}: WebDAV's); an upload's or a folder's never do.
     */
    @SuppressWarnings("unchecked")
    public long countReadBackOfGroup(UUID primary) {
        List<String> sources = getEntityManager().createNativeQuery("""
                        SELECT DISTINCT source_id FROM origin WHERE photo_id = :id
                           OR photo_id IN (SELECT id FROM photo WHERE twin_of = :id)""")
                .setParameter("id", primary).getResultList();
        return sources.stream().filter(SourceIds::readBack).count();
    }

    /** Origins of the given photos, oldest first (the first is the photo's original arrival). */
    public List<OriginEntity> ofPhotos(Collection<UUID> photoIds) {
        if (photoIds.isEmpty()) {
            return List.of();
        }
        return list("photoId in ?1", Sort.ascending("firstSeenAt", "id"), photoIds);
    }
}
