package io.reddwarf.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.instance.InstanceStatus.Task;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The repository's SQL on both supported kinds of state store: embedded H2 and a real MariaDB. */
final class InstanceRepositoryTest extends BothStateStores {
    private static InstancesRecord row(String project) {
        InstancesRecord r = new InstancesRecord();
        r.setId(UUID.randomUUID().toString());
        r.setProjectId(project);
        r.setName("app");
        r.setDatastoreType("mariadb");
        r.setDatastoreVersion("10.11");
        r.setFlavorId("2");
        r.setVolumeSize(1);
        r.setTask(Task.BUILDING.name());
        r.setHealth(Health.NEW.name());
        r.setStep("NEW");
        r.setCreatedAt(InstanceRepository.utc(Instant.now()));
        r.setUpdatedAt(InstanceRepository.utc(Instant.now()));
        r.setDeleted(false);
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void concurrentCreatesGetDistinctPortsAndDeletesReleaseThem(String store) throws Exception {
        try (Database db = open(store); ExecutorService pool = Executors.newFixedThreadPool(6)) {
            InstanceRepository repo = new InstanceRepository(db.dsl());
            List<Future<Optional<Integer>>> ports = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ports.add(pool.submit(() -> repo.insertWithPort(row("p1"), 40000, 40009, p -> true)));
            }
            List<Integer> got = new ArrayList<>();
            for (Future<Optional<Integer>> f : ports) {
                got.add(f.get().orElseThrow());
            }
            assertThat(got).doesNotHaveDuplicates().allMatch(p -> p >= 40000 && p <= 40009);

            List<InstancesRecord> live = repo.listLive("p1");
            assertThat(live).hasSize(6);
            assertThat(repo.listLive("p2")).isEmpty();
            assertThat(repo.findLive("p2", live.getFirst().getId())).isEmpty();

            String first = live.getFirst().getId();
            int freed = live.getFirst().getPort();
            repo.markDeleted(first);
            assertThat(repo.findLive("p1", first)).isEmpty();
            assertThat(repo.find(first)).get().extracting(InstancesRecord::getDeleted).isEqualTo(true);
            assertThat(repo.insertWithPort(row("p1"), 40000, 40009, p -> true)).contains(freed);

            assertThat(repo.insertWithPort(row("p1"), 40000, 40009, p -> false)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void taskTransitionsAreCompareAndSet(String store) {
        try (Database db = open(store)) {
            InstanceRepository repo = new InstanceRepository(db.dsl());
            InstancesRecord r = row("p1");
            r.setBuildRequest("sealed");
            repo.insertWithPort(r, 41000, 41010, p -> true);

            assertThat(repo.transitionTask(r.getId(), Task.NONE, Task.DELETING)).isFalse();
            repo.markBuilt(r.getId());
            InstancesRecord built = repo.find(r.getId()).orElseThrow();
            assertThat(built.getTask()).isEqualTo("NONE");
            assertThat(built.getHealth()).isEqualTo("RUNNING");
            assertThat(built.getBuildRequest()).isNull();
            assertThat(repo.transitionTask(r.getId(), Task.NONE, Task.DELETING)).isTrue();
            assertThat(repo.transitionTask(r.getId(), Task.NONE, Task.DELETING)).isFalse();

            repo.markFailed(r.getId(), "x".repeat(2000));
            assertThat(repo.find(r.getId()).orElseThrow().getFaultMessage()).hasSize(1000);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void quotaChecksOfConcurrentCreatesSeeEachOther(String store) throws Exception {
        String project = "quota-" + UUID.randomUUID();
        try (Database db = open(store); ExecutorService pool = Executors.newFixedThreadPool(6)) {
            InstanceRepository repo = new InstanceRepository(db.dsl());
            List<Future<Optional<Integer>>> creates = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                creates.add(pool.submit(() -> repo.insertChecked(row(project), 41000, 41099, p -> true, live -> {
                    if (live.size() >= 3) {
                        throw new IllegalStateException("over quota");
                    }
                })));
            }
            int accepted = 0;
            int refused = 0;
            for (Future<Optional<Integer>> create : creates) {
                try {
                    create.get().orElseThrow();
                    accepted++;
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).hasMessage("over quota");
                    refused++;
                }
            }
            assertThat(accepted).isEqualTo(3);
            assertThat(refused).isEqualTo(3);
            assertThat(repo.listLive(project)).hasSize(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void aBuildingInstanceMovesToTheLowestOtherFreePortAndReleasesItsOwn(String store) {
        try (Database db = open(store)) {
            InstanceRepository repo = new InstanceRepository(db.dsl());
            InstancesRecord a = row("p1");
            InstancesRecord b = row("p1");
            assertThat(repo.insertWithPort(a, 42000, 42003, p -> true)).contains(42000);
            assertThat(repo.insertWithPort(b, 42000, 42003, p -> true)).contains(42001);
            repo.setStep(a.getId(), "PREPARING");

            // 42000 is a's own port, which something took; 42002 is held by another program too
            assertThat(repo.movePort(a.getId(), 42000, 42003, p -> p != 42000 && p != 42002)).contains(42003);
            InstancesRecord moved = repo.find(a.getId()).orElseThrow();
            assertThat(moved.getPort()).isEqualTo(42003);
            assertThat(moved.getStep()).isEqualTo("NEW");
            assertThat(moved.getTask()).isEqualTo("BUILDING");
            assertThat(repo.insertWithPort(row("p1"), 42000, 42003, p -> true)).contains(42000);

            assertThat(repo.movePort(b.getId(), 42000, 42003, p -> p != 42002)).isEmpty();
            assertThat(repo.find(b.getId()).orElseThrow().getPort()).isEqualTo(42001);

            repo.markBuilt(b.getId());
            assertThat(repo.movePort(b.getId(), 42000, 42003, p -> true)).isEmpty();
            assertThat(repo.find(b.getId()).orElseThrow().getPort()).isEqualTo(42001);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void concurrentMovesGetDistinctPorts(String store) throws Exception {
        try (Database db = open(store); ExecutorService pool = Executors.newFixedThreadPool(6)) {
            InstanceRepository repo = new InstanceRepository(db.dsl());
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                InstancesRecord r = row("p1");
                repo.insertWithPort(r, 42100, 42105, p -> true).orElseThrow();
                ids.add(r.getId());
            }
            List<Future<Optional<Integer>>> moves = new ArrayList<>();
            for (String id : ids) {
                moves.add(pool.submit(() -> repo.movePort(id, 42100, 42111, p -> true)));
            }
            List<Integer> got = new ArrayList<>();
            for (Future<Optional<Integer>> move : moves) {
                got.add(move.get().orElseThrow());
            }
            assertThat(got).doesNotHaveDuplicates().allMatch(p -> p >= 42100 && p <= 42111);
            assertThat(ids.stream().map(id -> repo.find(id).orElseThrow().getPort()).toList())
                    .containsExactlyInAnyOrderElementsOf(got);
        }
    }
}
