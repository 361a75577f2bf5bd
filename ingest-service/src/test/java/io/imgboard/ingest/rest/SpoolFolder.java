package io.imgboard.ingest.rest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The upload spool folder ({@code quarkus.http.body.uploads-directory}) as the tests look at it. */
final class SpoolFolder {
    private SpoolFolder() {
    }

    /** Every file under the folder; none when it does not exist (yet). */
    static Set<Path> files(String uploadsDirectory) throws IOException {
        Path dir = Path.of(uploadsDirectory).toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).collect(Collectors.toSet());
        }
    }

    /** Waits until every file that came after {@code before} is gone again. */
    static void awaitNothingLeftSince(String uploadsDirectory, Set<Path> before, Duration wait) {
        await().atMost(wait).untilAsserted(() -> {
            Set<Path> left = new TreeSet<>(files(uploadsDirectory));
            left.removeAll(before);
            assertEquals(Set.of(), left, "files left in " + Path.of(uploadsDirectory).toAbsolutePath());
        });
    }
}
