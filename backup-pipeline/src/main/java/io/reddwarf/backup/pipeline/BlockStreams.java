package io.reddwarf.backup.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** What the pipeline's streams share: they move bytes in blocks, and pass on failures of other threads. */
final class BlockStreams {
    private BlockStreams() {}

    /** A stream that reads in blocks; a single byte is a block of one. */
    abstract static class Input extends InputStream {
        @Override
        public final int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public abstract int read(byte[] b, int off, int len) throws IOException;
    }

    /** A stream that writes in blocks; a single byte is a block of one. */
    abstract static class Output extends OutputStream {
        @Override
        public final void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public abstract void write(byte[] b, int off, int len) throws IOException;
    }

    /**
     * Throws {@code failure}, caught on another thread, on this one: an I/O failure as a new
     * {@link IOException} with the same message (so this thread's stack is in it too), unchecked
     * ones as they are. Does nothing for {@code null}.
     */
    static void rethrow(Throwable failure) throws IOException {
        if (failure instanceof IOException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IOException(failure);
        }
    }
}
