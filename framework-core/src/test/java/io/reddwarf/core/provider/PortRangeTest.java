package io.reddwarf.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PortRangeTest {

    @Test
    void overlapIsThePortsBothRangesContain() {
        PortRange ephemeral = new PortRange(32768, 60999);
        assertThat(new PortRange(34000, 34999).overlap(ephemeral)).contains(new PortRange(34000, 34999));
        assertThat(new PortRange(32000, 33000).overlap(ephemeral)).contains(new PortRange(32768, 33000));
        assertThat(new PortRange(60000, 61999).overlap(ephemeral)).contains(new PortRange(60000, 60999));
        assertThat(new PortRange(1024, 65535).overlap(ephemeral)).contains(ephemeral);
        assertThat(new PortRange(32768, 32768).overlap(ephemeral)).contains(new PortRange(32768, 32768));
        assertThat(new PortRange(23000, 23999).overlap(ephemeral)).isEmpty();
        assertThat(new PortRange(23000, 32767).overlap(ephemeral)).isEmpty();
        assertThat(new PortRange(61000, 61999).overlap(ephemeral)).isEmpty();
    }

    @Test
    void theKernelsFormatIsTwoNumbersSeparatedByWhiteSpace() {
        assertThat(PortRange.parseKernelRange("32768\t60999\n")).contains(new PortRange(32768, 60999));
        assertThat(PortRange.parseKernelRange(" 1024 65535 ")).contains(new PortRange(1024, 65535));
        assertThat(PortRange.parseKernelRange("")).isEmpty();
        assertThat(PortRange.parseKernelRange("32768")).isEmpty();
        assertThat(PortRange.parseKernelRange("a b")).isEmpty();
        assertThat(PortRange.parseKernelRange("60999 32768")).isEmpty();
    }

    @Test
    void anUnreadableKernelRangeIsNoRange(@TempDir Path dir) throws Exception {
        assertThat(PortRange.readKernelRange(dir.resolve("missing"))).isEmpty();
        Path file = Files.writeString(dir.resolve("ip_local_port_range"), "40000\t50000\n");
        assertThat(PortRange.readKernelRange(file)).contains(new PortRange(40000, 50000));
    }

    @Test
    void aRangeEndsAfterItStarts() {
        assertThatThrownBy(() -> new PortRange(2000, 1999)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid port range 2000-1999");
        assertThat(new PortRange(23000, 23999)).hasToString("23000-23999");
    }
}
