package io.reddwarf.backup.pipeline;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads the stream below on a thread of its own, ahead of the reader, so reading (and whatever the
 * stream below does, such as hashing) runs beside the reader's own work (decryption,
 * decompression). Bytes travel in a few buffers that are reused. A failure below is reported by
 * the read that reaches it. Closing stops the read-ahead and closes the stream below. Used by one
 * reader thread at a time.
 */
final class HandoffInputStream extends BlockStreams.Input {
    private final BlockingQueue<Slice> ready;
    private final BlockingQueue<byte[]> free;
    private final Thread filler;
    private volatile boolean closed;
    private Slice current;
    private int position;
    private boolean ended;

    /** A buffer with {@code length} bytes, or the end ({@code bytes == null}) with an optional failure. */
    private record Slice(byte[] bytes, int length, Throwable failure) {}

    HandoffInputStream(InputStream in, int bufferSize, int buffers, String threadName) {
        requireNonNull(in, "in is null");
        this.free = new ArrayBlockingQueue<>(buffers);
        this.ready = new ArrayBlockingQueue<>(buffers + 1);
        for (int i = 0; i < buffers; i++) {
            free.add(new byte[bufferSize]);
        }
        this.filler = Thread.ofPlatform().daemon().name(threadName).start(() -> fill(in));
    }

    private void fill(InputStream in) {
        Throwable failure = null;
        try (in) {
            while (!closed) {
                byte[] buffer = free.take();
                int n = in.readNBytes(buffer, 0, buffer.length);
                if (n > 0) {
                    ready.put(new Slice(buffer, n, null));
                }
                if (n < buffer.length) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            return;
        } catch (Throwable t) {
            failure = t;
        }
        try {
            ready.put(new Slice(null, 0, failure));
        } catch (InterruptedException e) {
            // Closed by the reader, who no longer waits for the end.
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        if (len == 0) {
            return 0;
        }
        if (current == null || position == current.length()) {
            if (!next()) {
                return -1;
            }
        }
        int n = Math.min(len, current.length() - position);
        System.arraycopy(current.bytes(), position, b, off, n);
        position += n;
        return n;
    }

    private boolean next() throws IOException {
        if (ended) {
            return false;
        }
        if (current != null) {
            free.add(current.bytes());
            current = null;
        }
        Slice slice;
        try {
            slice = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while reading ahead");
        }
        if (slice.bytes() == null) {
            ended = true;
            BlockStreams.rethrow(slice.failure());
            return false;
        }
        current = slice;
        position = 0;
        return true;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        filler.interrupt();
        try {
            filler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while closing");
        }
    }
}
