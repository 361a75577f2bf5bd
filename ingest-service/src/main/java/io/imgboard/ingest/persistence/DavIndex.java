package io.imgboard.ingest.persistence;

import io.imgboard.ingest.config.DavConfig;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The WebDAV target's virtual namespace: what each principal put where. Paths are decoded,
 * confined and normalised by the caller ({@code "/a/b"}, the root is {@code ""}). Every method is
 * one transaction, so a MOVE or COPY of a collection is all or nothing.
 */
@ApplicationScoped
public class DavIndex implements PanacheRepositoryBase<DavEntryEntity, Long> {

    /** A file that left a path: where it was and, for a move, where it is now (else null). */
    public record Relocated(DavEntry from, String toPath) {
    }

    /**
     * What a PROPPATCH did. {@code unfit} holds the positions of its set instructions that would have taken
     * the resource past {@code imgboard.dav.max-dead-properties} or {@code max-dead-properties-size}: when
     * there are any, nothing was changed. {@code properties} and {@code bytes} are what the resource held before.
     */
    public record Patch(List<Integer> unfit, int properties, long bytes) {
        public boolean applied() {
            return unfit.isEmpty();
        }
    }

    /** A dead property's name. */
    private record PropertyName(String namespace, String name) {
    }

    /** Rows per INSERT of dead properties: four parameters each, well below PostgreSQL's 65,535. */
    private static final int ROWS_PER_INSERT = 1000;

    private final EntityManager em;
    private final int maxProperties;
    private final long maxPropertyBytes;

    DavIndex(EntityManager em, DavConfig config) {
        this.em = em;
        this.maxProperties = config.maxDeadProperties();
        this.maxPropertyBytes = config.maxDeadPropertiesSize().asLongValue();
    }

    @Transactional
    public Optional<DavEntry> lookup(String principal, String path) {
        if (path.isEmpty()) {
            return Optional.of(DavEntry.root());
        }
        return entity(principal, path).map(DavEntry::of);
    }

    @Transactional
    public List<DavEntry> children(String principal, String path) {
        return find("principal = ?1 and parent = ?2 order by path", principal, path).stream().map(DavEntry::of).toList();
    }

    /**
     * The files in a folder kept with this skip reason: found by the database among the folder's entries,
     * not read into the service (a phone's camera folder holds thousands of photos).
     */
    @Transactional
    public List<DavEntry> skippedIn(String principal, String path, String reason) {
        return find("principal = ?1 and parent = ?2 and outcome = 'skipped' and reason = ?3", principal, path, reason)
                .stream().map(DavEntry::of).toList();
    }

    /**
     * Holds the path until the transaction ends, so two requests for one path (two MKCOLs of a new
     * folder, a client's parallel transfers) take turns: the second sees what the first made instead
     * of running into the unique key. A path that does not exist yet has no row to lock, so the lock is
     * PostgreSQL's advisory one on a hash of the path (two paths with one hash only take turns too).
     */
    private void lockPath(String principal, String path) {
        em.createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))) held")
                .setParameter("key", "dav " + principal + " " + path).getSingleResult();
    }

    /**
     * The source of a MOVE or COPY, judged once its path is locked: a concurrent MOVE or DELETE may have taken it
     * since the request looked. Without this a second MOVE moved nothing, still emptied its destination, and was
     * answered as if it had moved the file.
     */
    private void requireSource(String principal, String from) {
        if (entity(principal, from).isEmpty()) {
            throw new SourceGone(from);
        }
    }

    /** The source of a MOVE or COPY went while the request waited for its turn. */
    public static final class SourceGone extends RuntimeException {
        public SourceGone(String path) {
            super(path + " is gone: another request moved or deleted it meanwhile", null, false, false);
        }
    }

    /** Both ends of a MOVE or COPY, always in the same order, so two requests never wait for each other's. */
    private void lockPaths(String principal, String from, String to) {
        boolean fromFirst = from.compareTo(to) < 0;
        lockPath(principal, fromFirst ? from : to);
        lockPath(principal, fromFirst ? to : from);
    }

    /** Makes a collection; empty when something exists at the path already (made meanwhile by another request). */
    @Transactional
    public Optional<DavEntry> mkcol(String principal, String path, Instant at) {
        lockPath(principal, path);
        if (entity(principal, path).isPresent()) {
            return Optional.empty();
        }
        DavEntryEntity e = new DavEntryEntity();
        e.principal = principal;
        e.path = path;
        e.parent = parentOf(path);
        e.collection = true;
        e.createdAt = at;
        e.modifiedAt = at;
        persist(e);
        return Optional.of(DavEntry.of(e));
    }

    /**
     * Creates or replaces the file at {@code path} (a replaced file keeps its id and dead properties).
     *
     * @return the file that was there before, if any
     */
    @Transactional
    public Optional<DavEntry> putFile(String principal, String path, long size, String sha256, String contentType,
                                      Instant modifiedAt, String outcome, String reason) {
        lockPath(principal, path);
        Optional<DavEntryEntity> existing = entity(principal, path);
        Optional<DavEntry> before = existing.map(DavEntry::of);
        DavEntryEntity e = existing.orElseGet(DavEntryEntity::new);
        if (e.id == null) {
            e.principal = principal;
            e.path = path;
            e.parent = parentOf(path);
            e.createdAt = Instant.now();
        }
        e.collection = false;
        e.size = size;
        e.sha256 = sha256;
        e.contentType = contentType;
        e.modifiedAt = modifiedAt;
        e.outcome = outcome;
        e.reason = reason;
        if (e.id == null) {
            persist(e);
        }
        return before;
    }

    /** Which of these SHA-256s a WebDAV file of any client holds. */
    @Transactional
    @SuppressWarnings("unchecked")
    public java.util.Set<String> held(java.util.Collection<String> sha256s) {
        if (sha256s.isEmpty()) {
            return java.util.Set.of();
        }
        return new java.util.HashSet<>(em.createNativeQuery("SELECT DISTINCT sha256 FROM dav_entry WHERE sha256 IN (:shas)")
                .setParameter("shas", sha256s).getResultList());
    }

    /** Records why a kept file is not a photo, when that changes (its photo arrived beside it). */
    @Transactional
    public void setReason(String principal, String path, String reason) {
        entity(principal, path).ifPresent(e -> e.reason = reason);
    }

    @Transactional
    public void setModified(String principal, String path, Instant modifiedAt) {
        entity(principal, path).ifPresent(e -> e.modifiedAt = modifiedAt);
    }

    /** Deletes the entry and everything under it; returns the files that were deleted. */
    @Transactional
    public List<DavEntry> deleteTree(String principal, String path) {
        List<DavEntryEntity> doomed = subtree(principal, path);
        List<DavEntry> files = doomed.stream().filter(e -> !e.collection).map(DavEntry::of).toList();
        for (DavEntryEntity e : doomed) {
            em.createQuery("delete from DavPropertyEntity where entryId = ?1").setParameter(1, e.id).executeUpdate();
            delete(e);
        }
        return files;
    }

    /**
     * Moves an entry and everything under it to {@code to}, after deleting whatever was at {@code to}.
     *
     * @return the files moved (old entry, new path) followed by the files deleted at the destination (new path null)
     */
    @Transactional
    public List<Relocated> move(String principal, String from, String to) {
        lockPaths(principal, from, to);
        requireSource(principal, from);
        List<Relocated> result = new ArrayList<>();
        List<DavEntry> replaced = entity(principal, to).isPresent() ? deleteTree(principal, to) : List.of();
        em.flush();
        for (DavEntryEntity e : subtree(principal, from)) {
            String newPath = to + e.path.substring(from.length());
            if (!e.collection) {
                result.add(new Relocated(DavEntry.of(e), newPath));
            }
            e.path = newPath;
            e.parent = parentOf(newPath);
        }
        replaced.forEach(r -> result.add(new Relocated(r, null)));
        return result;
    }

    /**
     * Copies an entry (and with {@code deep} everything under it) to {@code to}, after deleting
     * whatever was at {@code to}; dead properties are copied too.
     *
     * @return the files created (new entries) followed by files deleted at the destination
     */
    @Transactional
    public List<Relocated> copy(String principal, String from, String to, boolean deep) {
        lockPaths(principal, from, to);
        requireSource(principal, from);
        List<Relocated> result = new ArrayList<>();
        List<DavEntry> replaced = entity(principal, to).isPresent() ? deleteTree(principal, to) : List.of();
        em.flush();
        List<DavEntryEntity> sources = deep ? subtree(principal, from) : entity(principal, from).stream().toList();
        Instant now = Instant.now();
        for (DavEntryEntity s : sources) {
            DavEntryEntity c = new DavEntryEntity();
            c.principal = principal;
            c.path = to + s.path.substring(from.length());
            c.parent = parentOf(c.path);
            c.collection = s.collection;
            c.size = s.size;
            c.sha256 = s.sha256;
            c.contentType = s.contentType;
            c.createdAt = now;
            c.modifiedAt = s.modifiedAt;
            c.outcome = s.outcome;
            c.reason = s.reason;
            persist(c);
            Map<PropertyName, String> properties = new LinkedHashMap<>();
            properties(s.id).forEach(p -> properties.put(new PropertyName(p.namespace(), p.name()), p.value()));
            upsert(c.id, properties);
            if (!c.collection) {
                result.add(new Relocated(DavEntry.of(c), c.path));
            }
        }
        replaced.forEach(r -> result.add(new Relocated(r, null)));
        return result;
    }

    @Transactional
    public List<DavProperty> properties(Long entryId) {
        if (entryId == null) {
            return List.of();
        }
        return em.createQuery("from DavPropertyEntity where entryId = ?1 order by id", DavPropertyEntity.class)
                .setParameter(1, entryId).getResultList().stream()
                .map(p -> new DavProperty(p.namespace, p.name, p.value)).toList();
    }

    /**
     * Applies a PROPPATCH's instructions in document order, all or nothing (RFC 4918 §9.2): {@code true} sets,
     * {@code false} removes. A set that would take the resource past its limits does not fit (one that keeps
     * or shrinks an existing value always does, so a resource over the limits can still be tidied); then
     * nothing is changed. The resource's properties are read once and what changed is written in a statement
     * or two: read and written one by one, with Hibernate flushing before each read, 5,000 took seconds.
     */
    @Transactional
    public Patch patch(Long entryId, List<Map.Entry<DavProperty, Boolean>> instructions) {
        // one PROPPATCH of a resource at a time: two at once could each fit beside what the other has not stored yet
        em.createNativeQuery("SELECT id FROM dav_entry WHERE id = :id FOR UPDATE").setParameter("id", entryId).getResultList();
        Map<PropertyName, Object[]> stored = new LinkedHashMap<>();
        for (Object[] row : em.createQuery("select p.id, p.namespace, p.name, p.value from DavPropertyEntity p "
                + "where p.entryId = ?1 order by p.id", Object[].class).setParameter(1, entryId).getResultList()) {
            stored.put(new PropertyName((String) row[1], (String) row[2]), row);
        }
        Map<PropertyName, String> after = new LinkedHashMap<>();
        stored.forEach((name, row) -> after.put(name, (String) row[3]));
        long bytes = after.values().stream().mapToLong(DavIndex::size).sum();
        Patch before = new Patch(List.of(), after.size(), bytes);
        List<Integer> unfit = new ArrayList<>();
        for (int i = 0; i < instructions.size(); i++) {
            DavProperty p = instructions.get(i).getKey();
            PropertyName name = new PropertyName(p.namespace(), p.name());
            String old = after.get(name);
            long oldSize = old == null ? 0 : size(old);
            if (!instructions.get(i).getValue()) {
                after.remove(name);
                bytes -= oldSize;
                continue;
            }
            long newSize = size(p.value());
            boolean grows = old == null || newSize > oldSize;
            if (grows && (after.size() + (old == null ? 1 : 0) > maxProperties || bytes - oldSize + newSize > maxPropertyBytes)) {
                unfit.add(i);
                continue;
            }
            after.put(name, p.value());
            bytes += newSize - oldSize;
        }
        if (!unfit.isEmpty()) {
            return new Patch(unfit, before.properties(), before.bytes());
        }
        List<Long> removed = new ArrayList<>();
        stored.forEach((name, row) -> {
            if (!after.containsKey(name)) {
                removed.add((Long) row[0]);
            }
        });
        if (!removed.isEmpty()) {
            em.createQuery("delete from DavPropertyEntity where id in ?1").setParameter(1, removed).executeUpdate();
        }
        Map<PropertyName, String> changed = new LinkedHashMap<>();
        after.forEach((name, value) -> {
            Object[] row = stored.get(name);
            if (row == null || !value.equals(row[3])) {
                changed.put(name, value);
            }
        });
        upsert(entryId, changed);
        return before;
    }

    private static long size(String value) {
        return value.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Sets these dead properties of an entry, new or not, in one statement per {@link #ROWS_PER_INSERT}. */
    private void upsert(Long entryId, Map<PropertyName, String> properties) {
        List<Map.Entry<PropertyName, String>> rows = new ArrayList<>(properties.entrySet());
        for (int from = 0; from < rows.size(); from += ROWS_PER_INSERT) {
            List<Map.Entry<PropertyName, String>> chunk = rows.subList(from, Math.min(rows.size(), from + ROWS_PER_INSERT));
            StringBuilder sql = new StringBuilder("INSERT INTO dav_property (entry_id, namespace, name, value) VALUES ");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(:entry, :ns").append(i).append(", :n").append(i).append(", :v").append(i).append(')');
            }
            sql.append(" ON CONFLICT (entry_id, namespace, name) DO UPDATE SET value = EXCLUDED.value");
            var insert = em.createNativeQuery(sql.toString()).setParameter("entry", entryId);
            for (int i = 0; i < chunk.size(); i++) {
                insert.setParameter("ns" + i, chunk.get(i).getKey().namespace()).setParameter("n" + i, chunk.get(i).getKey().name())
                        .setParameter("v" + i, chunk.get(i).getValue());
            }
            insert.executeUpdate();
        }
    }

    private Optional<DavEntryEntity> entity(String principal, String path) {
        return find("principal = ?1 and path = ?2", principal, path).firstResultOptional();
    }

    /** The entry itself and everything below it, parents before children. */
    private List<DavEntryEntity> subtree(String principal, String path) {
        List<DavEntryEntity> all = new ArrayList<>(entity(principal, path).stream().toList());
        all.addAll(find("principal = ?1 and substring(path, 1, ?2) = ?3", principal, path.length() + 1, path + "/").list());
        all.sort(Comparator.comparing(e -> e.path.length()));
        return all;
    }

    public static String parentOf(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "" : path.substring(0, slash);
    }
}
