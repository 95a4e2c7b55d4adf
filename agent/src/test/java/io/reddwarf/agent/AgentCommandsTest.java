package io.reddwarf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class AgentCommandsTest {
    @TempDir
    Path home;

    private Agent agent(Journal journal) {
        AgentConfig config = new AgentConfig(home, "5b0c7a52-1c1e-4a8e-9a54-0d7d2d3c9e11",
                java.net.URI.create("https://127.0.0.1:8780"), Duration.ofSeconds(2), home.resolve("instances"),
                home.resolve("templates"), home.resolve("backups"));
        return new Agent(config, null, journal, new Operations("test", List.of()), "test");
    }

    @Test
    void aRepeatedDeliveryIsAnsweredFromTheJournalAndAResultSurvivesARestart() throws Exception {
        Journal journal = new Journal(home.resolve("journal"));
        JsonNode args = Protocol.json().readTree("{\"n\":1}");

        Result first = agent(journal).handle(new Command("c-1", "", "agent.ping", args));
        Result again = agent(new Journal(home.resolve("journal"))).handle(
                new Command("c-1", "", "agent.ping", Protocol.json().readTree("{\"n\":2}")));

        assertThat(first.outcome()).isEqualTo(Result.OK);
        assertThat(first.value().get("echo").get("n").asInt()).isEqualTo(1);
        assertThat(again).isEqualTo(first);
        assertThat(new Journal(home.resolve("journal")).unacknowledged()).containsExactly(first);

        journal.forget("c-1");
        assertThat(journal.unacknowledged()).isEmpty();
    }

    @Test
    void unknownOperationsAndBadIdsAreRefusedWithoutRunning() {
        Journal journal = new Journal(home.resolve("journal"));

        Result unknown = agent(journal).handle(new Command("c-2", "", "instance.explode", null));
        Result badId = agent(journal).handle(new Command("../etc/passwd", "", "agent.ping", null));

        assertThat(unknown.outcome()).isEqualTo(Result.ERROR);
        assertThat(unknown.error().kind()).isEqualTo("unsupported");
        assertThat(badId.error().kind()).isEqualTo("invalid");
        assertThat(home.resolve("etc")).doesNotExist();
    }

    @Test
    void aCommandThatStartedBeforeACrashRunsAgainOnlyWhenRepeatable() {
        Journal journal = new Journal(home.resolve("journal"));
        journal.begin("c-3");
        journal.begin("c-4");

        Result repeatable = agent(journal).handle(new Command("c-3", "", "agent.ping", null));
        Result unknownAfterCrash = agent(journal).handle(new Command("c-4", "", "instance.explode", null));

        assertThat(repeatable.outcome()).isEqualTo(Result.OK);
        assertThat(unknownAfterCrash.error().kind()).isEqualTo("interrupted");
    }

    @Test
    void anInterruptedRepeatableCommandFirstRemovesWhatItsEarlierRunLeft() {
        Journal journal = new Journal(home.resolve("journal"));
        java.util.List<String> recovered = new java.util.ArrayList<>();
        Operations operations = new Operations("test", List.of());
        operations.add("test.build", true, command -> Protocol.json().createObjectNode(),
                command -> recovered.add(command.id()));
        AgentConfig config = new AgentConfig(home, "5b0c7a52-1c1e-4a8e-9a54-0d7d2d3c9e11",
                java.net.URI.create("https://127.0.0.1:8780"), Duration.ofSeconds(2), home.resolve("instances"),
                home.resolve("templates"), home.resolve("backups"));
        Agent agent = new Agent(config, null, journal, operations, "test");
        journal.begin("c-6");

        assertThat(agent.handle(new Command("c-5", "", "test.build", null)).outcome()).isEqualTo(Result.OK);
        assertThat(agent.handle(new Command("c-6", "", "test.build", null)).outcome()).isEqualTo(Result.OK);
        assertThat(recovered).as("commands whose earlier run was interrupted").containsExactly("c-6");
    }
}
