package io.imgboard.ingest.export;

import io.imgboard.events.ExportRequested;
import io.imgboard.ingest.persistence.SnapshotRepository;
import io.imgboard.ingest.persistence.SourceRepository;
import io.imgboard.ingest.service.AllowedRoots;
import io.imgboard.ingest.service.FolderScanner;
import io.imgboard.ingest.service.SourceRoots;
import io.imgboard.ingest.service.SourceSettings;
import io.imgboard.ingest.storage.OriginalStore;
import io.imgboard.ingest.storage.StorageException;
import io.minio.errors.ErrorResponseException;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes one exported original into its folder. The folder must be a folder source's root (one that
 * lies where sources may, {@link SourceRoots}: a folder the operator handed to ingest to read and
 * delete in) or lie in an allowed export root; the path is confined to it (no {@code ..}, no absolute path, no link out).
 * The bytes go to a hidden temporary file in the target folder, are checked against the photo's
 * SHA-256 and synced, and are then linked into place, which fails rather than replaces when the name
 * is taken: a name held by other content gets {@code -1}, {@code -2}, ...; the same content already
 * there counts as written and is left alone. Running a request twice therefore finds its own file
 * and writes nothing new. A file put into a folder source is recorded in that source's snapshot
 * before any scan can see it, so the source never imports its own export.
 */
@ApplicationScoped
public class ExportWriter {
    /** The source id of exported files that no folder source watches. */
    public static final String EXPORT_SOURCE = "export";
    static final String TEMP_PREFIX = ".imgboard-export-";
    private static final int MAX_SUFFIX = 10_000;
    /** A temporary file this old was left by a crash (a write takes seconds): removed on the next write there. */
    private static final Duration STALE_TEMP = Duration.ofHours(1);

    /** Where the file is now: {@code path} is relative to the root of {@code sourceId}'s folder (or the export folder). */
    public record Written(String sourceId, String path) {
    }

    private record Target(Path folder, Optional<SourceSettings> source, Path sourceRoot) {
    }

    private final AllowedRoots allowedRoots;
    private final SourceRoots sourceRules;
    private final SourceRepository sources;
    private final SnapshotRepository snapshots;
    private final FolderScanner scanner;
    private final OriginalStore store;

    ExportWriter(ExportConfig config, SourceRoots sourceRules, SourceRepository sources, SnapshotRepository snapshots,
                 FolderScanner scanner, OriginalStore store) {
        this.allowedRoots = AllowedRoots.parse("IMGBOARD_EXPORT_ALLOWED_ROOTS", config.allowedRoots().orElse(null));
        this.sourceRules = sourceRules;
        this.sources = sources;
        this.snapshots = snapshots;
        this.scanner = scanner;
        this.store = store;
    }

    /**
     * @throws ExportRefused          when the request cannot be carried out, saying why
     * @throws StorageException       S3 did not answer (may pass)
     * @throws UncheckedIOException   the disk refused (may pass: full, a share gone for a moment)
     */
    public Written write(ExportRequested request) {
        String sha256 = request.sha256();
        if (request.photoId() == null || sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
            throw new ExportRefused("the export request has no photo id or no valid SHA-256");
        }
        List<String> segments = ExportPaths.segments(request.relativePath());
        try {
            Path folder = folder(request.folder());
            Optional<Written> cameFromIt = cameFrom(folder, sha256);
            if (cameFromIt.isPresent()) {
                return cameFromIt.get();
            }
            Path dir = folder;
            for (String segment : segments.subList(0, segments.size() - 1)) {
                dir = childFolder(folder, dir, segment);
            }
            String name = segments.get(segments.size() - 1);
            Target target = target(folder, dir, name);
            removeStaleTemps(dir);
            Path temp = dir.resolve(TEMP_PREFIX + UUID.randomUUID() + ".tmp");
            try {
                download(sha256, temp);
                Path finalDir = dir;
                return target.source().isPresent()
                        ? scanner.whileNotScanning(target.source().get().id(), () -> place(request, target, finalDir, name, temp))
                        : place(request, target, finalDir, name, temp);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            // Trying again changes nothing until someone changes the folder: said at once, not after minutes of
            // retries. The same words for every photo (no file or temporary name), so the run's summary adds them up.
            if (e instanceof AccessDeniedException || reason(e, "Operation not permitted")) {
                Log.warnf("export of photo %s: %s", request.photoId(), describe(e));
                throw new ExportRefused("ingest may not write into the export folder " + request.folder() + " ("
                        + (e instanceof AccessDeniedException ? "permission denied" : "operation not permitted")
                        + "); give the user ingest runs write access to it, or choose another folder");
            }
            if (reason(e, "Read-only file system")) {
                throw new ExportRefused("the export folder " + request.folder()
                        + " is on a read-only file system; mount it writable, or choose another folder");
            }
            throw new UncheckedIOException("cannot write into the export folder " + request.folder() + ": "
                    + describe(e), e);
        }
    }

    /** The system's own words for an error (EPERM, EROFS), which Java reports as a plain FileSystemException. */
    private static boolean reason(IOException e, String reason) {
        return e instanceof FileSystemException fs && reason.equals(fs.getReason());
    }

    /** The export folder, real and confirmed: a folder source's root, or in an allowed root (created there). */
    private Path folder(String wanted) throws IOException {
        Place place = place(wanted);
        if (place.allowedRoot() == null) {
            return place.folder();
        }
        Path dir = place.allowedRoot();
        for (Path segment : place.below()) {
            dir = childFolder(place.allowedRoot(), dir, segment.toString());
        }
        return dir;
    }

    /**
     * Why an export into {@code wanted} would be refused for every photo, or empty when ingest may write
     * there: the rule {@link #write} applies, for a dry run (the admin page's Simulate), creating nothing.
     * What only writing finds out (permissions, a full disk, a link out) is not foreseen.
     */
    public Optional<String> refusal(String wanted) {
        try {
            place(wanted);
            return Optional.empty();
        } catch (ExportRefused e) {
            return Optional.of(e.getMessage());
        }
    }

    /** A folder source's root ({@code allowedRoot} null), or an allowed root (real) and the folder's path below it. */
    private record Place(Path folder, Path allowedRoot, Path below) {
    }

    private Place place(String wanted) {
        Path folder;
        try {
            folder = wanted == null ? null : Path.of(wanted);
        } catch (InvalidPathException e) {
            folder = null;
        }
        if (wanted == null || wanted.isBlank()) {
            throw new ExportRefused("no export folder is set: name an absolute path");
        }
        if (folder == null || !folder.isAbsolute()) {
            throw new ExportRefused("the export folder " + ExportPaths.quoted(wanted) + " is not an absolute path");
        }
        folder = folder.normalize();
        Path realFolder = FolderScanner.realOrNull(folder);
        for (SourceRoot source : sourceRoots()) {
            if (source.root().equals(realFolder)) {
                return new Place(source.root(), null, null);
            }
        }
        Optional<AllowedRoots.Held> held = allowedRoots.holding(folder);
        if (held.isPresent()) {
            return new Place(folder, held.get().root(), held.get().root().relativize(held.get().path()));
        }
        throw new ExportRefused("the export folder " + folder + " is neither a folder source's root nor inside an "
                + "allowed export root (IMGBOARD_EXPORT_ALLOWED_ROOTS" + (allowedRoots.isEmpty() ? " is not set" : "")
                + "); ingest writes nowhere else");
    }

    /** A folder below {@code parent}, created when missing; an existing one must still resolve inside {@code within}. */
    private static Path childFolder(Path within, Path parent, String name) throws IOException {
        Path child = parent.resolve(name);
        if (!Files.exists(child, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectory(child);
            } catch (FileAlreadyExistsException e) {
                // made meanwhile: checked below like any existing one
            }
        }
        Path real = child.toRealPath();
        if (!real.startsWith(within)) {
            throw new ExportRefused(child + " leads outside the export folder (a link to " + real
                    + "); exports never follow links out");
        }
        if (!Files.isDirectory(real)) {
            throw new ExportRefused(child + " is a file, not a folder: the export cannot put files below it");
        }
        return real;
    }

    /**
     * A photo that came from the folder source the export folder belongs to is never copied into it
     * again: it is there already. Answered as the same content found in place, at the path the source
     * took it from (the ledger has that origin, and from then on knows the folder's source).
     */
    private Optional<Written> cameFrom(Path folder, String sha256) {
        for (SourceRoot source : sourceRoots()) {
            if (!folder.startsWith(source.root())) {
                continue;
            }
            Optional<String> path = snapshots.importedPath(source.settings().id(), sha256);
            if (path.isPresent()) {
                Log.infof("export of %s skipped: it came from %s:%s, the folder it would be exported into",
                        sha256.substring(0, 12), source.settings().sourceId(), path.get());
                return Optional.of(new Written(source.settings().sourceId(), path.get()));
            }
        }
        return Optional.empty();
    }

    /** Which folder source, if any, will find the file at its next scan. */
    private Target target(Path folder, Path dir, String name) {
        for (SourceRoot source : sourceRoots()) {
            if (dir.startsWith(source.root()) && scanner.watches(source.settings(), relative(source.root(), dir.resolve(name)))) {
                return new Target(folder, Optional.of(source.settings()), source.root());
            }
        }
        return new Target(folder, Optional.empty(), folder);
    }

    /** A folder source and its root, real (links resolved). */
    private record SourceRoot(SourceSettings settings, Path root) {
    }

    /**
     * Every folder source whose root exists now and lies where sources may: a source's root is an export
     * target only while its scans may touch it, so a source taken out by a swapped link takes no exports.
     */
    private List<SourceRoot> sourceRoots() {
        List<SourceRoot> roots = new ArrayList<>();
        for (SourceRepository.StoredSource stored : sources.all()) {
            SourceSettings source = stored.settings().withDefaults();
            Path root = FolderScanner.realOrNull(Path.of(source.path()));
            if (root != null && sourceRules.problems(source).isEmpty()) {
                roots.add(new SourceRoot(source, root));
            }
        }
        return roots;
    }

    /** The original's bytes into {@code temp}, checked against the SHA-256 and on disk before it returns. */
    private void download(String sha256, Path temp) throws IOException {
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(open(sha256), digest);
             FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = read(in, buffer, sha256)) >= 0; ) {
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
            out.force(true);
        }
        String got = HexFormat.of().formatHex(digest.digest());
        if (!got.equals(sha256)) {
            throw new StorageException("the stored original " + OriginalStore.keyFor(sha256)
                    + " does not have the SHA-256 it is stored under (read " + got + ")", null);
        }
    }

    /** A broken read is S3's failure (may pass), not the disk's. */
    private static int read(InputStream in, byte[] buffer, String sha256) {
        try {
            return in.read(buffer);
        } catch (IOException e) {
            throw new StorageException("reading the original " + OriginalStore.keyFor(sha256) + " from S3 broke off: "
                    + e.getMessage(), e);
        }
    }

    private InputStream open(String sha256) {
        try {
            return store.open(sha256);
        } catch (StorageException e) {
            if (e.getCause() instanceof ErrorResponseException error && "NoSuchKey".equals(error.errorResponse().code())) {
                throw new ExportRefused("the original " + OriginalStore.keyFor(sha256) + " is not in the bucket "
                        + store.bucket() + " any more");
            }
            throw e;
        }
    }

    /** Links the temporary file in under the first free name, or finds the same content already there. */
    private Written place(ExportRequested request, Target target, Path dir, String name, Path temp) {
        try {
            long size = Files.size(temp);
            for (int n = 0; n <= MAX_SUFFIX; n++) {
                Path candidate = dir.resolve(ExportPaths.suffixed(name, n));
                if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                    if (sameContent(candidate, size, request.sha256())) {
                        return recorded(target, candidate, request.sha256(), false);
                    }
                    continue;
                }
                if (claim(temp, candidate)) {
                    // before the file's attributes are recorded: dropping the second link changes its ctime
                    Files.deleteIfExists(temp);
                    syncFolder(dir);
                    return recorded(target, candidate, request.sha256(), true);
                }
                n--; // taken meanwhile: look at the same name again (it may be the same content)
            }
            throw new ExportRefused("more than " + MAX_SUFFIX + " files called like " + name + " in " + dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts the file in place without replacing anything: a hard link fails when the name exists. File
     * systems without hard links (some SMB mounts) get a move that refuses an existing target.
     *
     * @return false when the name was taken meanwhile
     */
    private static boolean claim(Path temp, Path candidate) throws IOException {
        try {
            Files.createLink(candidate, temp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            try {
                Files.move(temp, candidate);
                return true;
            } catch (FileAlreadyExistsException taken) {
                return false;
            }
        }
    }

    private Written recorded(Target target, Path file, String sha256, boolean written) throws IOException {
        if (target.source().isPresent()) {
            SourceSettings source = target.source().get();
            String rel = relative(target.sourceRoot(), file);
            scanner.recordWritten(source, rel, file, sha256);
            Log.infof("exported %s %s %s (source %s)", sha256.substring(0, 12), written ? "to" : "found already at",
                    file, source.id());
            return new Written(source.sourceId(), rel);
        }
        Log.infof("exported %s %s %s", sha256.substring(0, 12), written ? "to" : "found already at", file);
        return new Written(EXPORT_SOURCE, relative(target.folder(), file));
    }

    private static boolean sameContent(Path file, long size, String sha256) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != size) {
            return false;
        }
        MessageDigest digest = sha256Digest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest()).equals(sha256);
    }

    /** The new name is durable only once its folder is synced too. */
    private static void syncFolder(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            Log.debugf("cannot sync folder %s: %s", dir, e.getMessage()); // not every file system allows it
        }
    }

    private static void removeStaleTemps(Path dir) {
        Instant before = Instant.now().minus(STALE_TEMP);
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, TEMP_PREFIX + "*.tmp")) {
            for (Path temp : temps) {
                FileTime modified = Files.getLastModifiedTime(temp, LinkOption.NOFOLLOW_LINKS);
                if (modified.toInstant().isBefore(before)) {
                    Files.deleteIfExists(temp);
                }
            }
        } catch (IOException e) {
            Log.debugf("cannot clear old export files in %s: %s", dir, e.getMessage());
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName();
        return switch (kind) {
            case "AccessDeniedException" -> "permission denied (" + e.getMessage() + ")";
            case "NoSuchFileException" -> "no such file or folder (" + e.getMessage() + ")";
            case "FileSystemException" -> e.getMessage();
            default -> kind + (e.getMessage() == null ? "" : ": " + e.getMessage());
        };
    }
}
