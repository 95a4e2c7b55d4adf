package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.server.api.RateLimiter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class RateLimitSettingTest {
    @Test
    void defaultsToTrovesLimitAndReadsTheSetting(@TempDir Path home) throws Exception {
        assertThat(ReddwarfServer.rateLimitPerMinute(home)).isEqualTo(RateLimiter.DEFAULT_PER_MINUTE);
        Files.writeString(home.resolve("reddwarf.properties"), "api.rate-limit-per-minute=5000\n");
        assertThat(ReddwarfServer.rateLimitPerMinute(home)).isEqualTo(5000);
        Files.writeString(home.resolve("reddwarf.properties"), "api.rate-limit-per-minute=-3\n");
        assertThatThrownBy(() -> ReddwarfServer.rateLimitPerMinute(home))
                .hasMessageEndingWith("api.rate-limit-per-minute in " + home.resolve("reddwarf.properties")
                        + " must be a positive whole number");
    }
}
