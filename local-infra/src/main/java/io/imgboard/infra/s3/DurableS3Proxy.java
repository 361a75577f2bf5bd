package io.imgboard.infra.s3;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.domain.MultipartUpload;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadResponse;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CopyObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The local S3 server: s3proxy's filesystem store, made durable. s3proxy writes an object to a temporary
 * file and renames it into place without an fsync, so an object it acknowledged could be lost to a power cut
 * or a kernel crash while ingest had already answered the upload 2xx. Here every write (a PUT, a copy, a
 * completed multipart upload) is flushed to the disk before s3proxy answers: the object's file, then each
 * folder from its own up to the bucket's, so its name (the rename) and any new folder survive too. Started by
 * {@code S3Server} with s3proxy's own properties file; everything but the store is s3proxy's.
 */
public final class DurableS3Proxy {
    private DurableS3Proxy() {
    }

    /** {@code --properties FILE}, as s3proxy's own main takes it. */
    public static void main(String[] args) throws Exception {
        if (args.length != 2 || !args[0].equals("--properties")) {
            System.err.println("usage: DurableS3Proxy --properties FILE");
            System.exit(2);
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
            properties.load(in);
        }
        String provider = properties.getProperty("jclouds.provider");
        String basedir = properties.getProperty("jclouds.filesystem.basedir");
        if (!"filesystem".equals(provider) || basedir == null) {
            System.err.println("DurableS3Proxy: needs jclouds.provider=filesystem and jclouds.filesystem.basedir");
            System.exit(2);
        }
        BlobStore store = new Syncing(BlobStores.create(provider, properties), Path.of(basedir), Syncing::force);
        S3Proxy proxy = S3Proxy.Builder.fromProperties(properties).blobStore(store).build();
        proxy.start();
        System.out.println("DurableS3Proxy: listening on port " + proxy.getPort() + ", objects flushed to disk before each answer");
    }

    /** How a file or folder is flushed: {@link #force} in the server, a recorder in tests. */
    @FunctionalInterface
    interface Flush {
        void flush(Path fileOrFolder) throws IOException;
    }

    /** s3proxy's store, with each written object flushed before the answer. */
    static final class Syncing extends ForwardingBlobStore {
        private final Path basedir;
        private final Flush flush;

        Syncing(BlobStore delegate, Path basedir, Flush flush) {
            super(delegate);
            this.basedir = basedir.toAbsolutePath().normalize();
            this.flush = flush;
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
            PutObjectResponse response = super.putBlob(request, content);
            flushObject(request.bucket(), request.key());
            return response;
        }

        @Override
        public CopyObjectResponse copyBlob(CopyObjectRequest request) {
            CopyObjectResponse response = super.copyBlob(request);
            flushObject(request.destinationBucket(), request.destinationKey());
            return response;
        }

        @Override
        public CompleteMultipartUploadResponse completeMultipartUpload(MultipartUpload upload, CompleteMultipartUploadRequest request) {
            CompleteMultipartUploadResponse response = super.completeMultipartUpload(upload, request);
            flushObject(request.bucket(), request.key());
            return response;
        }

        /** The object's file, then its folders up to the bucket's; a failure fails the request (s3proxy answers 500). */
        void flushObject(String bucket, String key) {
            Path bucketDir = basedir.resolve(bucket).normalize();
            Path file = bucketDir.resolve(key).normalize();
            if (!bucketDir.startsWith(basedir) || !file.startsWith(bucketDir) || !Files.isRegularFile(file)) {
                return; // not a file of this store (s3proxy refused or keeps it elsewhere): nothing of ours to flush
            }
            try {
                flush.flush(file);
                for (Path dir = file.getParent(); dir != null && dir.startsWith(bucketDir); dir = dir.getParent()) {
                    flush.flush(dir);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot flush " + file + " to disk", e);
            }
        }

        /** fsync: a file's data and metadata, or a folder's entries (Linux lets a folder be opened to read and forced). */
        static void force(Path path) throws IOException {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    }
}
