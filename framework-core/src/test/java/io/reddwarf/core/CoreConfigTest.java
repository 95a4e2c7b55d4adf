package io.reddwarf.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.core.provider.PortRange;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

final class CoreConfigTest {
    private static final PortRange LINUX_DEFAULT_EPHEMERAL = new PortRange(32768, 60999);

    @Test
    void theDefaultInstancePortsLieOutsideLinuxsDefaultEphemeralRange() {
        CoreConfig config = CoreConfig.fromProperties(Path.of("/srv/rdw"), new Properties());
        assertThat(config.ports()).isEqualTo(new PortRange(23000, 23999));
        assertThat(config.ports().overlap(LINUX_DEFAULT_EPHEMERAL)).isEmpty();
        assertThat(config.ephemeralPortsWarning(LINUX_DEFAULT_EPHEMERAL)).isEmpty();
    }

    @Test
    void instancePortsInsideTheEphemeralRangeAreWarnedAbout() {
        Properties p = new Properties();
        p.setProperty("instances.port-range", "32000-34999");
        CoreConfig config = CoreConfig.fromProperties(Path.of("/srv/rdw"), p);
        assertThat(config.ephemeralPortsWarning(LINUX_DEFAULT_EPHEMERAL)).contains(
                "instances.port-range 32000-34999 overlaps the kernel's ephemeral port range 32768-60999"
                        + " (/proc/sys/net/ipv4/ip_local_port_range) in ports 32768-34999: an outgoing connection may"
                        + " take an instance's port before its engine binds it. Choose a range outside it, such as the"
                        + " default 23000-23999, or reserve the ports with the sysctl"
                        + " net.ipv4.ip_local_reserved_ports.");
        assertThat(config.ephemeralPortsWarning(new PortRange(40000, 50000))).isEmpty();
    }

    @Test
    void automaticRestartsWaitLongerEachTimeUpToTheCap() {
        CoreConfig.EngineRecovery defaults = CoreConfig.fromProperties(Path.of("/srv/rdw"), new Properties()).recovery();
        assertThat(defaults).isEqualTo(CoreConfig.EngineRecovery.DEFAULT);
        assertThat(java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(defaults::delayBefore)
                .map(java.time.Duration::toSeconds).toList())
                .containsExactly(0L, 5L, 10L, 20L, 40L, 80L, 160L, 300L, 300L, 300L);
        assertThat(defaults.delayBefore(Integer.MAX_VALUE)).hasMinutes(5);

        Properties p = new Properties();
        p.setProperty("health.hang-probes", "3");
        p.setProperty("health.restart-backoff-ms", "1000");
        p.setProperty("health.restart-backoff-max-ms", "4000");
        p.setProperty("health.stable-seconds", "30");
        CoreConfig.EngineRecovery set = CoreConfig.fromProperties(Path.of("/srv/rdw"), p).recovery();
        assertThat(set).isEqualTo(new CoreConfig.EngineRecovery(3, java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(4), java.time.Duration.ofSeconds(30)));
        assertThat(java.util.stream.IntStream.rangeClosed(1, 5).mapToObj(set::delayBefore)
                .map(java.time.Duration::toMillis).toList()).containsExactly(0L, 1000L, 2000L, 4000L, 4000L);
    }
}
