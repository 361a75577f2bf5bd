package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.imgboard.preprocessor.imaging.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A HEIC decoded by Debian's libvips and handed to the libvips in use: the same pixels and the
 * metadata the core reads (EXIF fields, orientation, ICC profile). Runs on whichever libvips the
 * tests were given ({@code ./imgboard test}: the 8.18 build beside Debian's; plain {@code mvn}:
 * Debian's alone, the bridge then copies between two handles of one library).
 */
class HeifBridgeTest {
    @TempDir
    static Path dir;
    static Path heic;

    @BeforeAll
    static void makeHeic() {
        Vips.start(2);
        Path jpeg = TestImages.photo(dir, "bridge.jpg[Q=92]", 640, 480, 7);
        TestImages.exif(jpeg, "-DateTimeOriginal=2024:05:06 07:08:09", "-Make=Testmaker");
        heic = dir.resolve("bridge.heic");
        TestImages.run("heif-enc", "-q", "90", "-o", heic.toString(), jpeg.toString()); // keeps the EXIF
    }

    @Test
    void theBridgedImageHasDebiansPixelsAndTheFieldsTheCoreReads() throws Exception {
        LoadOptions options = LoadOptions.sequential(FailOn.TRUNCATED);
        String file = heic.toAbsolutePath().toString();
        byte[] expected = debianPixels(file, options);

        try (VipsImage bridged = HeifBridge.open("vips_heifload",
                (vips, out) -> Loader.HEIF.loadFile(vips, file, out, options.varargs(Loader.HEIF)), Long.MAX_VALUE)) {
            assertEquals(640, bridged.width());
            assertEquals(480, bridged.height());
            assertEquals(3, bridged.bands());
            assertTrue(bridged.isUchar());
            assertArrayEquals(expected, bridged.pixels(), "the pixels Debian's libvips decoded");
            assertTrue(bridged.text("exif-ifd2-DateTimeOriginal").orElseThrow().startsWith("2024:05:06 07:08:09"));
            assertTrue(bridged.text("exif-ifd0-Make").orElseThrow().startsWith("Testmaker"));
            assertTrue(bridged.hasField("exif-data"), "the EXIF blob itself");
            assertEquals(1, bridged.orientation());
        }
    }

    @Test
    void whatDebiansLibvipsCannotReadFailsWithItsWords() throws Exception {
        byte[] whole = Files.readAllBytes(heic);
        Path truncated = Files.write(dir.resolve("truncated.heic"), java.util.Arrays.copyOf(whole, whole.length / 3));
        String file = truncated.toAbsolutePath().toString();
        LoadOptions options = LoadOptions.sequential(FailOn.TRUNCATED);
        VipsException e = assertThrows(VipsException.class, () -> HeifBridge.open("vips_heifload",
                (vips, out) -> Loader.HEIF.loadFile(vips, file, out, options.varargs(Loader.HEIF)), Long.MAX_VALUE).close());
        assertTrue(e.getMessage().startsWith("vips_heifload failed: "), e.getMessage());
        assertTrue(e.detail().contains("heif"), e.detail());
        // and the next file is whole
        try (VipsImage next = HeifBridge.open("vips_heifload", (vips, out) -> Loader.HEIF.loadFile(vips,
                heic.toAbsolutePath().toString(), out, options.varargs(Loader.HEIF)), Long.MAX_VALUE)) {
            assertEquals(640, next.width());
        }
    }

    @Test
    void aHeaderOverThePixelLimitIsRefusedBeforeTheDecode() {
        LoadOptions options = LoadOptions.sequential(FailOn.TRUNCATED);
        String file = heic.toAbsolutePath().toString();
        TooManyPixelsException e = assertThrows(TooManyPixelsException.class, () -> HeifBridge.open("vips_heifload",
                (vips, out) -> Loader.HEIF.loadFile(vips, file, out, options.varargs(Loader.HEIF)), 640L * 480 - 1));
        assertEquals(640, e.width());
        assertEquals(480, e.height());
    }

    /** The file decoded by Debian's libvips, read straight through its own handle. */
    private static byte[] debianPixels(String file, LoadOptions options) {
        Vips.Natives debian = Vips.system();
        PointerByReference out = new PointerByReference();
        assertEquals(0, Loader.HEIF.loadFile(debian.vips(), file, out, options.varargs(Loader.HEIF)));
        try {
            NativeLongByReference size = new NativeLongByReference();
            Pointer data = debian.vips().vips_image_write_to_memory(out.getValue(), size);
            assertNotNull(data);
            try {
                return data.getByteArray(0, (int) size.getValue().longValue());
            } finally {
                debian.glib().g_free(data);
            }
        } finally {
            debian.gobject().g_object_unref(out.getValue());
        }
    }
}
