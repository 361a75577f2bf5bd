package io.imgboard.preprocessor.imaging.vips;

/** How strict a loader is (libvips {@code VipsFailOn}); the ordinal is the C value. */
public enum FailOn {
    /** Decode whatever can be decoded; a truncated file comes out partly grey. */
    NONE,
    /** Refuse truncated files. */
    TRUNCATED,
    /** Refuse files with decode errors. */
    ERROR,
    /** Refuse files with any warning; many real cameras write JPEGs with harmless warnings. */
    WARNING
}
