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
}
