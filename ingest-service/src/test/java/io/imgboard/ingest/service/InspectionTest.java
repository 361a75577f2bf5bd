package io.imgboard.ingest.service;

import io.imgboard.ingest.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InspectionTest {

    @Test
    void hashesAndDetectsAcrossBufferBoundaries(@TempDir Path dir) throws Exception {
        byte[] bytes = new byte[300_001];
        new Random(1).nextBytes(bytes);
        byte[] jpeg = TestImages.jpeg(1);
        System.arraycopy(jpeg, 0, bytes, 0, jpeg.length);
        Path file = Files.write(dir.resolve("f"), bytes);

        Inspection inspection = Inspection.of(file);

        assertEquals(bytes.length, inspection.size());
        assertEquals(TestImages.sha256(bytes), inspection.sha256());
        assertEquals("image/jpeg", inspection.detected().contentType());
    }

    @Test
    void emptyFile(@TempDir Path dir) throws Exception {
        Inspection inspection = Inspection.of(Files.write(dir.resolve("e"), new byte[0]));
        assertEquals(0, inspection.size());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", inspection.sha256());
        assertEquals(MagicBytes.Kind.UNKNOWN, inspection.detected().kind());
    }

    @Test
    void fileShorterThanTheHead(@TempDir Path dir) throws Exception {
        Inspection inspection = Inspection.of(Files.write(dir.resolve("s"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}));
        assertEquals(3, inspection.size());
        assertEquals("image/jpeg", inspection.detected().contentType());
    }
}
