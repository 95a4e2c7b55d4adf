package io.reddwarf.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import io.reddwarf.core.agent.AgentService;
import io.reddwarf.core.tls.CertificateAuthority;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Agent commands in the state store, on H2 and on a real MariaDB: handed to an agent process
 * (session) once and to a restarted one again, sealed at rest, withdrawn when nobody waits, and
 * answered only by their own agent.
 */
final class AgentCommandsStoreTest extends BothStateStores {

    private static AgentService service(Database database, String store) {
        Path state = dir.resolve(store + "-agent-state");
        return new AgentService(new AgentRepository(database.dsl()),
                CertificateAuthority.loadOrCreate(state, state.resolve("ca.pem")),
                SecretBox.open(state.resolve("master.key")), Clock.systemUTC());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void aCommandGoesToOneSessionOnceAndToARestartedAgentAgain(String store) throws Exception {
        try (Database database = open(store)) {
            AgentService agents = service(database, store);
            String agent = agents.enrol("host-" + store).agent().id();
            String instance = UUID.randomUUID().toString();
            String id = agents.submit(agent, Optional.of(instance), "instance.start", Protocol.json().createObjectNode());

            List<Command> first = agents.poll(agent, "session-1", Duration.ZERO);
            assertThat(first).extracting(Command::id).containsExactly(id);
            assertThat(first.getFirst().instance()).isEqualTo(instance);
            assertThat(agents.poll(agent, "session-1", Duration.ZERO)).as("the same process, while it runs the command")
                    .isEmpty();
            assertThat(agents.poll(agent, "session-2", Duration.ZERO)).as("a restarted agent").extracting(Command::id)
                    .containsExactly(id);

            assertThat(agents.complete(agent, List.of(Result.ok(id, Protocol.json().createObjectNode()))))
                    .containsExactly(id);
            assertThat(agents.await(id, Duration.ZERO)).get().extracting(Result::outcome).isEqualTo(Result.OK);
            assertThat(agents.poll(agent, "session-3", Duration.ZERO)).as("answered commands").isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void aNamedCommandAskedForAgainIsTheSameCommand(String store) throws Exception {
        try (Database database = open(store)) {
            AgentService agents = service(database, store);
            String agent = agents.enrol("named-" + store).agent().id();
            String instance = UUID.randomUUID().toString();
            String named = UUID.randomUUID().toString();
            ObjectNode first = Protocol.json().createObjectNode().put("attempt", 1);
            // a control plane asks, and stops waiting (it stopped) before the agent answers
            Thread asker = Thread.ofPlatform().start(() -> agents.call(agent, Optional.of(instance), "backup.run", first,
                    Duration.ofSeconds(30), Optional.of(named), p -> {}));
            List<Command> taken = List.of();
            for (int i = 0; i < 100 && taken.isEmpty(); i++) {
                taken = agents.poll(agent, "session-1", Duration.ofMillis(100));
            }
            assertThat(taken).extracting(Command::id).containsExactly(named);
            agents.heartbeat(agent, new io.reddwarf.agent.protocol.Heartbeat("test", List.of(),
                    List.of(new io.reddwarf.agent.protocol.Heartbeat.Progress(named, 4096, "running"))));
            // another agent cannot report on this agent's command
            String stranger = agents.enrol("stranger-" + store).agent().id();
            agents.heartbeat(stranger, new io.reddwarf.agent.protocol.Heartbeat("test", List.of(),
                    List.of(new io.reddwarf.agent.protocol.Heartbeat.Progress(named, 999_999, "saving"))));

            // asked for again under the same name, with other arguments: no second command; the
            // agent's report of the first reaches the second caller, with its progress on the way
            List<io.reddwarf.agent.protocol.Heartbeat.Progress> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            var again = java.util.concurrent.CompletableFuture.supplyAsync(() -> agents.call(agent, Optional.of(instance),
                    "backup.run", Protocol.json().createObjectNode().put("attempt", 2), Duration.ofSeconds(30),
                    Optional.of(named), heard::add));
            Thread.sleep(2500);
            assertThat(agents.poll(agent, "session-1", Duration.ZERO)).as("a second command").isEmpty();
            assertThat(agents.complete(agent, List.of(Result.ok(named, Protocol.json().createObjectNode()
                    .put("answered", "first"))))).containsExactly(named);
            Optional<Result> result = again.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(result).get().extracting(r -> r.value().path("answered").asText()).isEqualTo("first");
            assertThat(heard).extracting(io.reddwarf.agent.protocol.Heartbeat.Progress::bytes).contains(4096L)
                    .doesNotContain(999_999L);
            asker.join(10_000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void argumentsAreSealedAndOnlyTheirAgentMayAnswer(String store) throws Exception {
        try (Database database = open(store)) {
            AgentService agents = service(database, store);
            String agent = agents.enrol("sealed-" + store).agent().id();
            String other = agents.enrol("other-" + store).agent().id();
            ObjectNode args = Protocol.json().createObjectNode();
            args.putArray("users").addObject().put("name", "ann").put("password", "Hunter-2-secret");
            String id = agents.submit(agent, Optional.empty(), "users.create", args);

            String stored = new AgentRepository(database.dsl()).findCommand(id).orElseThrow().getArguments();
            assertThat(stored).doesNotContain("Hunter-2-secret").doesNotContain("ann");
            assertThat(agents.poll(agent, "s", Duration.ZERO).getFirst().arguments().toString())
                    .contains("Hunter-2-secret");

            assertThat(agents.complete(other, List.of(Result.ok(id, null)))).as("another agent's report").isEmpty();
            assertThat(agents.await(id, Duration.ZERO)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void aCommandNobodyWaitsForIsWithdrawnAndNeverDelivered(String store) throws Exception {
        try (Database database = open(store)) {
            AgentService agents = service(database, store);
            String agent = agents.enrol("absent-" + store).agent().id();
            Optional<Result> answer = agents.call(agent, Optional.of(UUID.randomUUID().toString()), "instance.destroy",
                    Protocol.json().createObjectNode(), Duration.ofMillis(50));
            assertThat(answer).as("no agent answered").isEmpty();
            assertThat(agents.poll(agent, "late", Duration.ZERO)).as("the agent that comes back later").isEmpty();
        }
    }
}
