package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real {@code openstack} command against a live server, through the clouds.yaml it wrote. */
final class OpenStackCli {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private final Map<String, String> env;

    OpenStackCli(LiveServer live) {
        this.env = Map.of("OS_CLIENT_CONFIG_FILE", live.server.cloudsYaml().toString());
    }

    /** Runs the command as cloud {@code cloud} and returns its output; it must succeed. */
    String as(String cloud, String... args) {
        List<String> command = command(cloud, args);
        LiveServer.Result result = LiveServer.run(command, env, TIMEOUT);
        assertThat(result.exitCode()).as("%s\n%s", String.join(" ", command), result.output()).isZero();
        return result.output();
    }

    /** Runs the command as the demo project (cloud {@code reddwarf}); it must succeed. */
    String run(String... args) {
        return as("reddwarf", args);
    }

    /** Runs the command as the demo project; it must fail. */
    LiveServer.Result failing(String... args) {
        List<String> command = command("reddwarf", args);
        LiveServer.Result result = LiveServer.run(command, env, TIMEOUT);
        assertThat(result.exitCode()).as("%s\n%s", String.join(" ", command), result.output()).isNotZero();
        return result;
    }

    /** Runs the command as the demo project with {@code -f json} and parses its output. */
    JsonNode json(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("-f", "json"));
        String output = run(all.toArray(String[]::new));
        try {
            return Http.MAPPER.readTree(output);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + output, e);
        }
    }

    private static List<String> command(String cloud, String... args) {
        List<String> command = new ArrayList<>(List.of("openstack", "--os-cloud", cloud));
        command.addAll(List.of(args));
        return command;
    }
}
