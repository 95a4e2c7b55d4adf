package io.reddwarf.backup.pipeline;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Hands what is written to a thread of its own that writes it to the stream below, so the writer
 * and the work below (encryption, hashing, the store) run side by side. Bytes travel in a few
 * buffers that are reused; a writer that gets ahead waits for a free one.
 *
 * <p>A failure below is reported by the next {@link #write}, {@link #flush} or {@link #close}.
 * {@link #flush} hands over what was written but does not wait for it to arrive below;
 * {@link #close} waits until everything was written and the stream below closed. Used by one
 * writer thread at a time.
 */
final class HandoffOutputStream extends BlockStreams.Output {
    private static final byte[] FLUSH = new byte[0];
    private static final byte[] CLOSE = new byte[0];

    private final BlockingQueue<Slice> handed;
    private final BlockingQueue<byte[]> free;
    private final Thread drainer;
    private volatile Throwable failure;
    private byte[] current;
    private int filled;
    private boolean closed;

    private record Slice(byte[] bytes, int length) {}

    HandoffOutputStream(OutputStream out, int bufferSize, int buffers, String threadName) {
        requireNonNull(out, "out is null");
        this.free = new ArrayBlockingQueue<>(buffers);
        this.handed = new ArrayBlockingQueue<>(buffers + 2);
        for (int i = 1; i < buffers; i++) {
            free.add(new byte[bufferSize]);
        }
        this.current = new byte[bufferSize];
        this.drainer = Thread.ofPlatform().daemon().name(threadName).start(() -> drain(out));
    }

    private void drain(OutputStream out) {
        while (true) {
            Slice slice;
            try {
                slice = handed.take();
            } catch (InterruptedException e) {
                failure = e;
                return;
            }
            try {
                if (slice.bytes() == CLOSE) {
                    if (failure == null) {
                        out.close();
                    }
                    return;
                }
                if (failure == null) {
                    if (slice.bytes() == FLUSH) {
                        out.flush();
                    } else {
                        out.write(slice.bytes(), 0, slice.length());
                    }
                }
            } catch (Throwable t) {
                // Keep taking slices so the writer never waits for a buffer that will not come back.
                failure = t;
            }
            if (slice.bytes() != FLUSH) {
                free.add(slice.bytes());
            }
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        check();
        while (len > 0) {
            if (filled == current.length) {
                handOver();
            }
            int n = Math.min(len, current.length - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    @Override
    public void flush() throws IOException {
        check();
        if (filled > 0) {
            handOver();
        }
        put(new Slice(FLUSH, 0));
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (failure == null && filled > 0) {
            handOver();
        }
        put(new Slice(CLOSE, 0));
        try {
            drainer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while writing the last bytes");
        }
        check();
    }

    private void handOver() throws IOException {
        put(new Slice(current, filled));
        try {
            current = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while waiting for a free buffer");
        }
        filled = 0;
        check();
    }

    private void put(Slice slice) throws IOException {
        try {
            handed.put(slice);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while handing over bytes");
        }
    }

    private void check() throws IOException {
        BlockStreams.rethrow(failure);
    }
}
