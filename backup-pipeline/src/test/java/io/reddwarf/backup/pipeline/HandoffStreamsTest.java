package io.reddwarf.backup.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HandoffStreamsTest {
    private static final byte[] DATA = random(3_000_017);

    @Test
    void everyByteArrivesInOrderAndCloseClosesBelow() throws IOException {
        ClosingSink below = new ClosingSink();
        try (OutputStream out = new HandoffOutputStream(below, 4096, 3, "test-handoff")) {
            for (int off = 0; off < DATA.length; off += 1000) {
                out.write(DATA, off, Math.min(1000, DATA.length - off));
            }
            out.flush();
            out.write(7);
        }
        assertThat(below.closed).isTrue();
        byte[] expected = java.util.Arrays.copyOf(DATA, DATA.length + 1);
        expected[DATA.length] = 7;
        assertThat(below.toByteArray()).isEqualTo(expected);
    }

    @Test
    void aFailureBelowReachesTheWriterWithItsMessageAndNothingHangs() {
        OutputStream full = new OutputStream() {
            private long written;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                written += len;
                if (written > 100_000) {
                    throw new IOException("No space left on device");
                }
            }
        };
        OutputStream out = new HandoffOutputStream(full, 4096, 2, "test-handoff");
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1000; i++) {
                out.write(DATA, 0, 4096);
            }
        }).isInstanceOf(IOException.class).hasMessage("No space left on device");
        assertThatThrownBy(out::close).isInstanceOf(IOException.class).hasMessage("No space left on device");
        assertThatThrownBy(() -> out.write(1)).isInstanceOf(IOException.class).hasMessage("stream closed");
    }

    @Test
    void readAheadDeliversEveryByteThenTheEnd() throws IOException {
        try (InputStream in = new HandoffInputStream(new ByteArrayInputStream(DATA), 4096, 3, "test-ahead")) {
            assertThat(in.readAllBytes()).isEqualTo(DATA);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aFailureBelowReachesTheReaderAfterTheBytesBeforeIt() throws IOException {
        InputStream failing = new InputStream() {
            private int left = 10_000;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 1;
                }
                throw new IOException("Input/output error");
            }
        };
        try (InputStream in = new HandoffInputStream(failing, 4096, 2, "test-ahead")) {
            byte[] buffer = new byte[20_000];
            int total = 0;
            IOException failure = null;
            try {
                int n;
                while ((n = in.read(buffer, total, buffer.length - total)) > 0) {
                    total += n;
                }
            } catch (IOException e) {
                failure = e;
            }
            assertThat(total).isEqualTo(8192);
            assertThat(failure).hasMessage("Input/output error");
        }
    }

    @Test
    void closingBeforeTheEndStopsTheReadAhead() throws IOException {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return len;
            }
        };
        InputStream in = new HandoffInputStream(endless, 4096, 2, "test-ahead");
        assertThat(in.read(new byte[10])).isEqualTo(10);
        in.close();
        assertThatThrownBy(in::read).isInstanceOf(IOException.class).hasMessage("stream closed");
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(3).nextBytes(bytes);
        return bytes;
    }

    private static final class ClosingSink extends ByteArrayOutputStream {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
