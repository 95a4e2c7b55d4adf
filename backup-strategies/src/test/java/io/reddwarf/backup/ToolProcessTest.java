package io.reddwarf.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.DatastoreException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ToolProcessTest {
    @TempDir
    Path dir;

    @Test
    void copiesTheToolsOutput() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ToolProcess.readFrom(List.of("sh", "-c", "printf hello"), dir, dir.resolve("err"), sink, "test");
        assertThat(sink.toString()).isEqualTo("hello");
    }

    @Test
    void aToolKilledMidStreamFailsWithItsErrorOutput() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThatThrownBy(() -> ToolProcess.readFrom(
                List.of("sh", "-c", "head -c 3000000 /dev/zero; echo dying >&2; kill -9 $$"), dir, dir.resolve("err"), sink,
                "back up instance x"))
                .isInstanceOf(DatastoreException.class)
                .hasMessage("sh failed to back up instance x (exit code 137): dying");
        assertThat(sink.size()).isEqualTo(3_000_000);
    }

    @Test
    void aToolThatStopsReadingFails() {
        byte[] input = new byte[10_000_000];
        assertThatThrownBy(() -> ToolProcess.writeTo(List.of("sh", "-c", "head -c 10 >/dev/null; exit 3"), dir,
                dir.resolve("err"), new ByteArrayInputStream(input), "restore instance x"))
                .isInstanceOf(DatastoreException.class)
                .hasMessage("sh failed to restore instance x (exit code 3): ");
    }
}
