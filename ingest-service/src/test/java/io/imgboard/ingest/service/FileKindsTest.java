package io.imgboard.ingest.service;

import io.imgboard.ingest.service.FileKinds.Kind;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileKindsTest {
    private static final MagicBytes.Detected JPEG = new MagicBytes.Detected(MagicBytes.Kind.IMAGE, "image/jpeg");
    private static final MagicBytes.Detected MOV = new MagicBytes.Detected(MagicBytes.Kind.NOT_IMAGE, "video/quicktime");
    private static final MagicBytes.Detected TEXT = new MagicBytes.Detected(MagicBytes.Kind.NOT_IMAGE, "text/plain");

    @Test
    void theBytesDecideAnImageWhateverTheName() {
        assertEquals(Kind.IMAGE, FileKinds.of("holiday.mov", JPEG, null));
        assertNull(Kind.IMAGE.skipReason());
    }

    @Test
    void aVideoBesideAPhotoOfTheSameBaseNameIsALivePhoto() {
        Set<String> folder = Set.of("IMG_1234.HEIC", "IMG_1234_HEVC.MOV", "IMG_2000.JPG", "IMG_2000.MOV", "IMG_3000.MOV");
        assertEquals(Kind.LIVE_PHOTO_VIDEO, FileKinds.of("IMG_1234_HEVC.MOV", MOV, folder::contains));
        assertEquals(Kind.LIVE_PHOTO_VIDEO, FileKinds.of("IMG_2000.MOV", MOV, folder::contains));
        assertEquals(Kind.VIDEO, FileKinds.of("IMG_3000.MOV", MOV, folder::contains));
        assertEquals("live-photo video", Kind.LIVE_PHOTO_VIDEO.skipReason());
        assertEquals("video not supported", Kind.VIDEO.skipReason());
        assertEquals(Kind.LIVE_PHOTO_VIDEO, FileKinds.byName("IMG_2000.mov", Set.of("IMG_2000.jpg")::contains));
    }

    @Test
    void sidecarsByNameAndTheRestIsOther() {
        assertEquals(Kind.SIDECAR, FileKinds.of("IMG_1234.AAE", TEXT, null));
        assertEquals(Kind.SIDECAR, FileKinds.of("IMG_1234.HEIC.xmp", TEXT, null));
        assertEquals("sidecar", Kind.SIDECAR.skipReason());
        assertEquals(Kind.OTHER, FileKinds.of("notes.txt", TEXT, null));
        assertEquals("not an image", Kind.OTHER.skipReason());
        assertNull(FileKinds.byName("IMG_1.HEIC", null));
    }

    /** A BMP over WebDAV or in a folder is skipped as what the upload API calls it, not as "not an image". */
    @Test
    void anImageInAFormatNotReadIsAnUnsupportedImage() {
        MagicBytes.Detected bmp = new MagicBytes.Detected(MagicBytes.Kind.UNSUPPORTED_IMAGE, "image/bmp");
        assertEquals(Kind.UNSUPPORTED_IMAGE, FileKinds.of("scan.bmp", bmp, null));
        assertEquals("unsupported image format", Kind.UNSUPPORTED_IMAGE.skipReason());
    }

    @Test
    void aPathIsHeldForItsNameOrForAFolderOnItsWay() {
        assertEquals(java.util.Optional.of(FileKinds.HELD_REASON), FileKinds.heldReason("/a/IMG_1.jpg.part"));
        assertEquals(java.util.Optional.of(FileKinds.FOLDER_HELD_REASON), FileKinds.heldReason("/nas/2024/@eaDir/IMG_1.jpg/SYNOPHOTO_THUMB_XL.jpg"));
        assertEquals(java.util.Optional.of(FileKinds.FOLDER_HELD_REASON), FileKinds.heldReason("DCIM/.thumbnails/1.jpg"));
        assertEquals(java.util.Optional.of(FileKinds.FOLDER_HELD_REASON), FileKinds.heldReason("/share/#recycle/IMG_2.jpg"));
        assertEquals(java.util.Optional.empty(), FileKinds.heldReason("/nas/2024/IMG_1.jpg"));
        assertEquals(java.util.Optional.empty(), FileKinds.heldReason("/nas/eaDir/IMG_1.jpg"));
        assertEquals(java.util.Optional.empty(), FileKinds.heldReason("/"));
        assertTrue(FileKinds.isLitterFolder("@EADIR") && FileKinds.isLitterFolder(".Trash-1000") && !FileKinds.isLitterFolder("2024"));
    }
}
