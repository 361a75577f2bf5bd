package io.imgboard.preprocessor.imaging.vips;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

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

    /** Exactly {@code length} bytes from {@code in}, copied in small chunks: never the whole image on the heap. */
    public static NativeBytes read(InputStream in, long length) throws IOException {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, was " + length);
        }
        Memory memory = new Memory(length);
        try {
            byte[] chunk = new byte[64 * 1024];
            long offset = 0;
            while (offset < length) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, length - offset));
                if (n < 0) {
                    throw new EOFException("stream ended after " + offset + " of " + length + " bytes");
                }
                memory.write(offset, chunk, 0, n);
                offset += n;
            }
            return new NativeBytes(memory);
        } catch (IOException | RuntimeException e) {
            memory.close();
            throw e;
        }
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
