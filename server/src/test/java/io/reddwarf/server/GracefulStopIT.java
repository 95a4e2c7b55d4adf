package io.reddwarf.server;

import static io.reddwarf.server.PackagedServer.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An operator's stop (SIGTERM) while a delete is in flight: the delete ends while its agent can
 * still report (the agent listener closes after the workflows), so the stop cuts nothing off and
 * the state store is never closed under a workflow; after the next start the instance is gone
 * and none of its processes runs.
 */
final class GracefulStopIT {
    private PackagedServer server;

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.close("graceful-stop-server.log");
        }
    }

    @Test
    void aStopDuringADeleteLetsTheDeleteEnd() throws Exception {
        server = new PackagedServer("rdw-stop-", "instances.port-range=38100-38119\n");
        server.start();
        String id = server.createInstance("going", "1", 1).get("id").asText();
        waitUntil(Duration.ofSeconds(60), "instance ACTIVE",
                () -> server.get("/instances/" + id, "instance").get("status").asText().equals("ACTIVE"));

        assertThat(server.send("DELETE", "/instances/" + id, null).statusCode()).isEqualTo(202);
        server.stop();

        String log = Files.readString(server.home.resolve("server.log"));
        assertThat(log).as("the stop cut no workflow off").doesNotContain("could not destroy instance")
                .doesNotContain("interrupted while waiting for agent")
                .doesNotContain("The database has been closed");

        server.start();
        waitUntil(Duration.ofSeconds(60), "instance gone",
                () -> server.send("GET", "/instances/" + id, null).statusCode() == 404);
        waitUntil(Duration.ofSeconds(30), "no process of the instance",
                () -> LiveServer.enginesOf(id).isEmpty());
    }
}
