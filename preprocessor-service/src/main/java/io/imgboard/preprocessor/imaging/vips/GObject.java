package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** Reference counting of libvips objects (every VipsImage is a GObject). */
interface GObject extends Library {

    void g_object_unref(Pointer object);

    /** The name of a GType, e.g. {@code gint}, {@code VipsBlob}; null for an unknown one. */
    String g_type_name(NativeLong type);
}
