package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class ServerOptionsTest {

    @Test
    void defaults() throws Exception {
        ServerOptions options = ServerOptions.parse(new String[0], Map.of());
        assertThat(options.port()).isEqualTo(8779);
        assertThat(options.bind()).isEqualTo("127.0.0.1");
        assertThat(options.home()).isEqualTo(Path.of(".reddwarf").toAbsolutePath());
    }

    @Test
    void homeComesFromTheEnvironmentUnlessGiven() throws Exception {
        assertThat(ServerOptions.parse(new String[0], Map.of("REDDWARF_HOME", "/tmp/rd")).home())
                .isEqualTo(Path.of("/tmp/rd"));
        assertThat(ServerOptions.parse(new String[] {"--home", "/srv/rd"}, Map.of("REDDWARF_HOME", "/tmp/rd")).home())
                .isEqualTo(Path.of("/srv/rd"));
    }

    @Test
    void allOptionsInBothForms() throws Exception {
        ServerOptions options = ServerOptions.parse(new String[] {"--port", "9000", "--bind=0.0.0.0", "--home=/x"},
                Map.of());
        assertThat(options).isEqualTo(new ServerOptions(9000, "0.0.0.0", Path.of("/x")));
    }

    @Test
    void badArguments() {
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--port", "http"}, Map.of()))
                .isInstanceOf(ServerOptions.UsageException.class)
                .hasMessage("--port must be a number from 0 to 65535: http");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--port", "70000"}, Map.of()))
                .isInstanceOf(ServerOptions.UsageException.class);
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--bind"}, Map.of()))
                .isInstanceOf(ServerOptions.UsageException.class)
                .hasMessage("--bind needs a value");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--verbose"}, Map.of()))
                .isInstanceOf(ServerOptions.UsageException.class)
                .hasMessage("unknown argument: --verbose");
        assertThatThrownBy(() -> ServerOptions.parse(new String[] {"--help"}, Map.of()))
                .isInstanceOf(ServerOptions.HelpRequested.class);
    }

    @Test
    void mainExitsWith2AndUsageOnBadArguments() throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--port", "nope")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).isEqualTo(2);
        assertThat(output).contains("reddwarf-server: --port must be a number from 0 to 65535: nope")
                .contains("Usage: java -jar reddwarf-server.jar");
    }

    @Test
    void agentBindIsAnAddressOrAHostName(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        ServerOptions options = new ServerOptions(0, "127.0.0.1", home);
        assertThat(ReddwarfServer.agentBind(options)).as("default: the API's bind address").isEqualTo("127.0.0.1");
        java.nio.file.Files.writeString(home.resolve(io.reddwarf.core.CoreConfig.FILE_NAME), "agent.bind = 10.0.0.7\n");
        assertThat(ReddwarfServer.agentBind(options)).isEqualTo("10.0.0.7");
        java.nio.file.Files.writeString(home.resolve(io.reddwarf.core.CoreConfig.FILE_NAME), "agent.bind = not an/address\n");
        assertThatThrownBy(() -> ReddwarfServer.agentBind(options)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("agent.bind in " + home.resolve(io.reddwarf.core.CoreConfig.FILE_NAME)
                        + " must be an IP address or a host name: not an/address");
    }
}
