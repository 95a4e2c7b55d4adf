package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MaxBodySettingTest {
    @Test
    void defaultsToOneMebibyteAndReadsTheSetting(@TempDir Path home) throws Exception {
        assertThat(ReddwarfServer.maxBodyBytes(home)).isEqualTo(1024 * 1024);
        Files.writeString(home.resolve("reddwarf.properties"), "api.max-body-bytes=65536\n");
        assertThat(ReddwarfServer.maxBodyBytes(home)).isEqualTo(65536);
        Files.writeString(home.resolve("reddwarf.properties"), "api.max-body-bytes=0\n");
        assertThatThrownBy(() -> ReddwarfServer.maxBodyBytes(home))
                .hasMessageEndingWith("api.max-body-bytes in " + home.resolve("reddwarf.properties")
                        + " must be a positive whole number");
    }
}
