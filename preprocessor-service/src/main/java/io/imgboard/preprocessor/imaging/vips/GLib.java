package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Library;
import com.sun.jna.Pointer;

/** The few glib functions needed to free what libvips hands over. */
interface GLib extends Library {

    void g_free(Pointer memory);

    void g_strfreev(Pointer strings);
}
