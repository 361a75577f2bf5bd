/**
 * The only code that talks to libvips (through JNA). Nothing outside this package sees a
 * {@code Pointer}: images are {@link io.imgboard.preprocessor.imaging.vips.VipsImage} handles,
 * closed with try-with-resources; encoded input held in native memory is
 * {@link io.imgboard.preprocessor.imaging.vips.NativeBytes}, kept alive by every image made from it.
 */
package io.imgboard.preprocessor.imaging.vips;
