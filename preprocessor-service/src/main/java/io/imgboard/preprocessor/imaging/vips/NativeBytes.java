package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * An encoded image held in native memory, for loading from memory without a file.
 *
 * <p>libvips decodes lazily and keeps the pointer it was given: the bytes must stay where they are
 * until every image made from them is gone. A {@code byte[]} passed straight to JNA is a temporary
 * copy freed when the call returns (a SIGSEGV later, in a libvips worker thread). So the bytes live
 * in a {@link Memory} block that is reference counted: each {@link VipsImage} made from it holds a
 * reference, and the block is freed when the owner has closed it and the last such image is closed.
 */
public final class NativeBytes implements AutoCloseable {
    private final Memory memory;
    private int references = 1;
    private boolean ownerClosed;

    private NativeBytes(Memory memory) {
        this.memory = memory;
    }

    /** A native copy of {@code bytes}. */
    public static NativeBytes copyOf(byte[] bytes) {
        if (bytes.length == 0) {
            throw new IllegalArgumentException("no bytes");
        }
        Memory memory = new Memory(bytes.length);
        memory.write(0, bytes, 0, bytes.length);
        return new NativeBytes(memory);
    }

    public long size() {
        return memory.size();
    }

    synchronized Pointer pointer() {
        if (references == 0) {
            throw new IllegalStateException("native bytes already freed");
        }
        return memory;
    }

    synchronized void retain() {
        if (references == 0) {
            throw new IllegalStateException("native bytes already freed");
        }
        references++;
    }

    synchronized void release() {
        if (references > 0 && --references == 0) {
            memory.close();
        }
    }

    /** Gives up the owner's reference; the memory goes once no image made from it is open. */
    @Override
    public synchronized void close() {
        if (!ownerClosed) {
            ownerClosed = true;
            release();
        }
    }
}
