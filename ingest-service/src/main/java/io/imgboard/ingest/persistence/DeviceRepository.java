package io.imgboard.ingest.persistence;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class DeviceRepository implements PanacheRepositoryBase<DeviceEntity, String> {

    public List<DeviceEntity> listByName() {
        return listAll(Sort.by("name"));
    }

    public void touch(String name, Instant at) {
        update("lastUsedAt = ?1 where name = ?2", at, name);
    }

    public void countUpload(String name, Instant at) {
        update("uploads = uploads + 1, lastUsedAt = ?1 where name = ?2", at, name);
    }
}
