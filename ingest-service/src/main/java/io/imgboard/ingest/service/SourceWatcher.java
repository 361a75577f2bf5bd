package io.imgboard.ingest.service;

import io.quarkus.logging.Log;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A hint to scan a folder source now, never the authority: inotify (through {@link WatchService}) sees
 * only what is written through this machine's kernel, so writes by other NFS/SMB clients never show up
 * (FIELD-NOTES "Folder sources on NFS/SMB mounts"). The poll stays what finds files and decides when one
 * is ready; a watched folder only brings its next scan forward. Folders are registered as scans walk
 * them; a folder that cannot be watched (no inotify, the kernel's watch limit, more folders than
 * {@code imgboard.scan.watch-max-folders}) is simply polled.
 */
@ApplicationScoped
public class SourceWatcher {

    private final boolean enabled;
    private final int maxFolders;
    /** Per source, the folders (absolute) registered for it. */
    private final Map<String, Map<Path, WatchKey>> folders = new ConcurrentHashMap<>();
    /** Per key, the sources watching that folder (one folder can lie in several sources, or be linked twice). */
    private final Map<WatchKey, Set<String>> sourcesByKey = new ConcurrentHashMap<>();
    private final AtomicInteger registered = new AtomicInteger();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile Consumer<String> listener = id -> { };
    private WatchService service;
    private boolean unavailable;

    SourceWatcher(@ConfigProperty(name = "imgboard.scan.watch", defaultValue = "true") boolean enabled,
                  @ConfigProperty(name = "imgboard.scan.watch-max-folders", defaultValue = "8192") int maxFolders) {
        this.enabled = enabled;
        this.maxFolders = maxFolders;
    }

    /** Who is told that something changed in a watched folder of a source (its id). */
    void onChange(Consumer<String> hinted) {
        this.listener = hinted;
    }

    /** Watches a folder of a source from now on, if it can be; cheap when it is watched already. */
    void watch(String sourceId, Path folder) {
        if (!enabled) {
            return;
        }
        Map<Path, WatchKey> mine = folders.computeIfAbsent(sourceId, id -> new ConcurrentHashMap<>());
        WatchKey known = mine.get(folder);
        if (known != null && known.isValid()) {
            return;
        }
        WatchService watcher = service();
        if (watcher == null) {
            return;
        }
        if (registered.get() >= maxFolders) {
            warnOnce(sourceId, "the limit of " + maxFolders + " watched folders (imgboard.scan.watch-max-folders) is reached");
            return;
        }
        try {
            WatchKey key = folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            if (sourcesByKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(sourceId)) {
                registered.incrementAndGet();
            }
            mine.put(folder, key);
        } catch (IOException | UnsupportedOperationException e) {
            // ENOSPC ("User limit of inotify watches reached"), a vanished folder, a file system without inotify
            warnOnce(sourceId, "folder " + folder + " cannot be watched (" + e.getMessage() + ")");
        }
    }

    /** Forgets every folder of a source (removed, or pointed elsewhere); its next scans register them again. */
    void forget(String sourceId) {
        Map<Path, WatchKey> mine = folders.remove(sourceId);
        warned.remove(sourceId);
        if (mine == null) {
            return;
        }
        for (WatchKey key : mine.values()) {
            Set<String> ids = sourcesByKey.get(key);
            if (ids != null && ids.remove(sourceId)) {
                registered.decrementAndGet();
                if (ids.isEmpty()) {
                    sourcesByKey.remove(key);
                    key.cancel();
                }
            }
        }
    }

    /** How many folders are watched now, over every source. */
    public int watchedFolders() {
        return registered.get();
    }

    private void warnOnce(String sourceId, String why) {
        if (warned.add(sourceId)) {
            Log.infof("source %s: %s; it is polled there (every pollSeconds) without change hints", sourceId, why);
        }
    }

    private synchronized WatchService service() {
        if (service == null && !unavailable) {
            try {
                service = FileSystems.getDefault().newWatchService();
                Thread thread = new Thread(this::relay, "imgboard-source-watch");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException | UnsupportedOperationException e) {
                unavailable = true;
                Log.infof("no file change notifications (%s): folder sources are polled only", e.getMessage());
            }
        }
        return service;
    }

    /** Turns each batch of events on a watched folder into one hint per source watching it. */
    private void relay() {
        WatchService watcher = service;
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean relevant = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    relevant |= event.kind() == StandardWatchEventKinds.OVERFLOW
                            || event.context() instanceof Path name && hints(name.toString());
                }
                Set<String> ids = sourcesByKey.getOrDefault(key, Set.of());
                if (!key.reset()) {
                    forgetKey(key); // the folder is gone; the next scan notices what went with it
                }
                if (relevant) {
                    for (String id : ids) {
                        try {
                            listener.accept(id);
                        } catch (RuntimeException e) {
                            Log.warnf(e, "change hint for source %s failed", id);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ClosedWatchServiceException e) {
            // shutting down
        }
    }

    /**
     * Whether a change to this name is worth a scan: not the litter a writer makes while it works
     * ({@code .part}, dot-files; their rename to the final name is), except the library lock, whose
     * removal lets a held source go on.
     */
    static boolean hints(String name) {
        return FolderScanner.LIBRARY_LOCK.equals(name) || !FileKinds.isLitter(name);
    }

    private void forgetKey(WatchKey key) {
        Set<String> ids = sourcesByKey.remove(key);
        if (ids == null) {
            return;
        }
        registered.addAndGet(-ids.size());
        for (String id : ids) {
            Map<Path, WatchKey> mine = folders.get(id);
            if (mine != null) {
                mine.values().remove(key);
            }
        }
    }

    @PreDestroy
    synchronized void close() {
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                Log.debugf("closing the watch service: %s", e.getMessage());
            }
        }
    }
}
