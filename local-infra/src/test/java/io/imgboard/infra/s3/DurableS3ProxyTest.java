package io.imgboard.infra.s3;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.CopyObjectRequest;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The local S3 server's store flushes each object it writes, and the folders that name it, before it answers. */
class DurableS3ProxyTest {
    @TempDir
    Path basedir;

    private BlobStore filesystem() {
        Properties properties = new Properties();
        properties.setProperty("jclouds.provider", "filesystem");
        properties.setProperty("jclouds.filesystem.basedir", basedir.toString());
        return BlobStores.create("filesystem", properties);
    }

    @Test
    void aPutIsFlushedFileFirstThenEachFolderUpToTheBucket() throws Exception {
        List<Path> flushed = new ArrayList<>();
        BlobStore store = new DurableS3Proxy.Syncing(filesystem(), basedir, flushed::add);
        store.createContainer(CreateBucketRequest.builder().bucket("originals").build());
        byte[] photo = "not really a photo".getBytes(StandardCharsets.UTF_8);

        store.putBlob(PutObjectRequest.builder().bucket("originals").key("originals/ab/abcdef").contentLength((long) photo.length)
                .build(), new ByteArrayInputStream(photo));

        Path bucket = basedir.resolve("originals");
        Path file = bucket.resolve("originals/ab/abcdef");
        assertArrayEquals(photo, Files.readAllBytes(file));
        assertEquals(List.of(file, bucket.resolve("originals/ab"), bucket.resolve("originals"), bucket), flushed);

        flushed.clear();
        store.copyBlob(CopyObjectRequest.builder().sourceBucket("originals").sourceKey("originals/ab/abcdef")
                .destinationBucket("originals").destinationKey("copy").build());
        assertEquals(List.of(bucket.resolve("copy"), bucket), flushed);
    }

    @Test
    void theRealFlushWorksOnFilesAndFolders() throws Exception {
        BlobStore store = new DurableS3Proxy.Syncing(filesystem(), basedir, DurableS3Proxy.Syncing::force);
        store.createContainer(CreateBucketRequest.builder().bucket("renditions").build());
        byte[] webp = new byte[4096];
        store.putBlob(PutObjectRequest.builder().bucket("renditions").key("renditions/id/display.webp")
                .contentLength((long) webp.length).build(), new ByteArrayInputStream(webp));
        assertEquals(4096, Files.size(basedir.resolve("renditions/renditions/id/display.webp")));
    }
}
