package io.imgboard.ingest.service;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The change hint on real folders (inotify through the JDK's WatchService): what it tells, and when it stays quiet. */
class SourceWatcherTest {
    private static final Duration QUIET = Duration.ofMillis(700);

    @TempDir
    Path dir;
    private final List<String> hinted = new CopyOnWriteArrayList<>();
    private SourceWatcher watcher;

    private SourceWatcher watcher(boolean enabled, int maxFolders) {
        watcher = new SourceWatcher(enabled, maxFolders);
        watcher.onChange(hinted::add);
        return watcher;
    }

    @AfterEach
    void close() {
        if (watcher != null) {
            watcher.close();
        }
    }

    @Test
    void aFileRenamedIntoAWatchedFolderHintsItsSource() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("nas"));
        watcher(true, 100).watch("nas", folder);
        watcher.watch("nas", folder); // a scan walks it again: still one watch
        assertEquals(1, watcher.watchedFolders());

        Path aside = Files.write(folder.resolve(".IMG_1.JPG.x7Gq2"), new byte[]{1, 2, 3});
        Files.move(aside, folder.resolve("IMG_1.JPG"));
        await().atMost(Duration.ofSeconds(10)).until(() -> hinted.contains("nas"));
    }

    @Test
    void aWritersLitterIsNoHintButTheLibraryLockIs() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("icloud"));
        watcher(true, 100).watch("icloud", folder);
        Files.write(folder.resolve("AXQ3B7ZKFJ.part"), new byte[]{1});
        Files.write(folder.resolve(".DS_Store"), new byte[]{1});
        await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(hinted::isEmpty);

        Files.write(folder.resolve(FolderScanner.LIBRARY_LOCK), new byte[]{4, 2});
        await().atMost(Duration.ofSeconds(10)).until(() -> hinted.contains("icloud"));
    }

    @Test
    void foldersOverTheLimitAreNotWatchedAndAForgottenSourceIsNotHinted() throws IOException {
        Path first = Files.createDirectories(dir.resolve("a"));
        Path second = Files.createDirectories(dir.resolve("b"));
        watcher(true, 1).watch("src", first);
        watcher.watch("src", second); // over the limit: polled only
        assertEquals(1, watcher.watchedFolders());
        Files.write(second.resolve("IMG_2.JPG"), new byte[]{1});
        await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(hinted::isEmpty);

        watcher.forget("src");
        assertEquals(0, watcher.watchedFolders());
        Files.write(first.resolve("IMG_3.JPG"), new byte[]{1});
        await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(hinted::isEmpty);
    }

    @Test
    void turnedOffItWatchesNothing() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("off"));
        watcher(false, 100).watch("off", folder);
        assertEquals(0, watcher.watchedFolders());
        Files.write(folder.resolve("IMG_4.JPG"), new byte[]{1});
        await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(hinted::isEmpty);
    }

    @Test
    void onlyTheLitterOfWritersIsIgnored() {
        assertTrue(SourceWatcher.hints("IMG_0001.HEIC"));
        assertTrue(SourceWatcher.hints("2024"));
        assertTrue(SourceWatcher.hints(FolderScanner.LIBRARY_LOCK));
        assertFalse(SourceWatcher.hints("IMG_0001.JPG.Xk3p9Qa2.partial"));
        assertFalse(SourceWatcher.hints(".IMG_0001.JPG.a8F2c1"));
        assertFalse(SourceWatcher.hints("Thumbs.db"));
    }
}
