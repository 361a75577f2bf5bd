package io.imgboard.ledger.persistence;

import io.imgboard.events.RenditionSpec;
import io.quarkus.hibernate.orm.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The rendition set ({@code rendition_spec}), in its order. */
@ApplicationScoped
public class RenditionSpecRepository {

    @SuppressWarnings("unchecked")
    public List<RenditionSpec> current() {
        List<Object[]> rows = Panache.getEntityManager()
                .createNativeQuery("SELECT name, width, height, quality FROM rendition_spec ORDER BY position, name")
                .getResultList();
        return rows.stream().map(r -> new RenditionSpec((String) r[0], ((Number) r[1]).intValue(),
                ((Number) r[2]).intValue(), ((Number) r[3]).intValue())).toList();
    }

    public void replace(List<RenditionSpec> specs) {
        var em = Panache.getEntityManager();
        // Serialises concurrent PUTs: the second waits, then compares against the first one's result.
        em.createNativeQuery("LOCK TABLE rendition_spec IN EXCLUSIVE MODE").executeUpdate();
        em.createNativeQuery("DELETE FROM rendition_spec").executeUpdate();
        int position = 0;
        for (RenditionSpec spec : specs) {
            em.createNativeQuery("INSERT INTO rendition_spec (name, width, height, quality, position) VALUES (?1, ?2, ?3, ?4, ?5)")
                    .setParameter(1, spec.name()).setParameter(2, spec.width()).setParameter(3, spec.height())
                    .setParameter(4, spec.quality()).setParameter(5, position++)
                    .executeUpdate();
        }
    }

    public void lock() {
        Panache.getEntityManager().createNativeQuery("LOCK TABLE rendition_spec IN EXCLUSIVE MODE").executeUpdate();
    }
}
