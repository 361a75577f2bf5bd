package io.imgboard.events;

/**
 * What a source wants when a file it reported is removed from it ({@code onDelete} of a source).
 * {@code RETIRE}: when the photo has no origin left, it leaves every frame. {@code KEEP}: the origin
 * is forgotten but the photo stays.
 */
public enum RemovalPolicy {
    RETIRE, KEEP
}
