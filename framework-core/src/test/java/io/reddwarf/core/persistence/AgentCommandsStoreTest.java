package io.reddwarf.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void commandsQueuedWithinOneSecondAreDeliveredInTheOrderTheyWereQueued(String store) throws Exception {
        try (Database database = open(store)) {
            AgentService agents = service(database, store);
            String agent = agents.enrol("order-" + store).agent().id();
            String instance = UUID.randomUUID().toString();
            List<String> queued = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                queued.add(agents.submit(agent, Optional.of(instance), "instance.status", Protocol.json().createObjectNode()));
            }
            assertThat(agents.poll(agent, "session-1", Duration.ZERO)).extracting(Command::id)
                    .containsExactlyElementsOf(queued);
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

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void aPreparationIsCertifiedForTheKeyOfferedWithThePollOrOnRequestOnlyWhileItRuns(String store) throws Exception {
        try (Database database = open(store)) {
            AgentService agents = service(database, store);
            String agent = agents.enrol("tls-" + store).agent().id();
            String stranger = agents.enrol("tls-stranger-" + store).agent().id();
            String first = UUID.randomUUID().toString();
            String second = UUID.randomUUID().toString();
            String firstPrep = agents.submit(agent, Optional.of(first), "instance.prepare", preparation("10.0.0.7"));
            String secondPrep = agents.submit(agent, Optional.of(second), "instance.prepare", preparation("10.0.0.8"));
            String start = agents.submit(agent, Optional.of(first), "instance.start", Protocol.json().createObjectNode());
            java.security.KeyPair offered = ecKeyPair();

            List<Command> delivered = agents.poll(agent, "session-1", Duration.ZERO, Optional.of(offered.getPublic()));

            assertThat(delivered).extracting(Command::id).containsExactly(firstPrep, secondPrep, start);
            var tls = delivered.get(0).arguments().get("tls");
            java.security.cert.X509Certificate issued = certificate(tls.get("certificate").asText());
            assertThat(issued.getPublicKey()).as("the first preparation's certificate is for the offered key")
                    .isEqualTo(offered.getPublic());
            assertThat(issued.getSubjectX500Principal().getName()).contains("CN=" + first);
            assertThat(issued.getSubjectAlternativeNames().toString()).contains("10.0.0.7");
            assertThat(tls.get("authority").asText()).contains("BEGIN CERTIFICATE");
            assertThat(delivered.get(1).arguments().get("tls").has("certificate")).as("one offered key, one certificate")
                    .isFalse();

            // the second preparation has its own key certified while it runs, as its own instance
            java.security.KeyPair own = ecKeyPair();
            String ownKey = java.util.Base64.getEncoder().encodeToString(own.getPublic().getEncoded());
            var answer = agents.certify(agent, new io.reddwarf.agent.protocol.CertificateRequest(secondPrep, ownKey));
            java.security.cert.X509Certificate second509 = certificate(answer.certificate());
            assertThat(second509.getPublicKey()).isEqualTo(own.getPublic());
            assertThat(second509.getSubjectX500Principal().getName()).contains("CN=" + second);
            assertThat(second509.getSubjectAlternativeNames().toString()).contains("10.0.0.8").doesNotContain("10.0.0.7");

            // refused: another agent's preparation, a command that is no preparation, an answered one
            assertThatThrownBy(() -> agents.certify(stranger, new io.reddwarf.agent.protocol.CertificateRequest(secondPrep,
                    ownKey))).isInstanceOf(io.reddwarf.core.ReddwarfException.class).hasMessageContaining("not a preparation");
            assertThatThrownBy(() -> agents.certify(agent, new io.reddwarf.agent.protocol.CertificateRequest(start, ownKey)))
                    .isInstanceOf(io.reddwarf.core.ReddwarfException.class).hasMessageContaining("not a preparation");
            agents.complete(agent, List.of(Result.ok(secondPrep, Protocol.json().createObjectNode())));
            assertThatThrownBy(() -> agents.certify(agent, new io.reddwarf.agent.protocol.CertificateRequest(secondPrep,
                    ownKey))).isInstanceOf(io.reddwarf.core.ReddwarfException.class).hasMessageContaining("not a preparation");

            // delivered again to a restarted agent: a certificate for the key it offers now
            java.security.KeyPair later = ecKeyPair();
            List<Command> again = agents.poll(agent, "session-2", Duration.ZERO, Optional.of(later.getPublic()));
            assertThat(again).extracting(Command::id).containsExactly(firstPrep, start);
            assertThat(certificate(again.get(0).arguments().get("tls").get("certificate").asText()).getPublicKey())
                    .isEqualTo(later.getPublic());
        }
    }

    private static ObjectNode preparation(String address) {
        ObjectNode args = Protocol.json().createObjectNode();
        args.set("instance", io.reddwarf.agent.protocol.InstanceWire.spec(new io.reddwarf.agent.protocol.InstanceWire.Spec(
                "mariadb", new io.reddwarf.spi.DatastoreVersion("10.11", "10.11.6"),
                new io.reddwarf.spi.Flavor("1", "tiny", 512, 1, 1), address, 23001)));
        args.putObject("tls").put("request", true);
        return args;
    }

    private static java.security.KeyPair ecKeyPair() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static java.security.cert.X509Certificate certificate(String pem) throws Exception {
        return (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    }
}
