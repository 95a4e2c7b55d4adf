package io.reddwarf.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.db.tables.records.BackupsRecord;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.instance.InstanceStatus.Task;
import io.reddwarf.core.quota.DefaultQuotaService;
import io.reddwarf.core.quota.QuotaResource;
import io.reddwarf.core.quota.QuotaService;
import io.reddwarf.core.quota.QuotaUsage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The backups quota counted and checked under the project's lock, and the backup strategy
 * settings, on H2 and on a real MariaDB.
 */
final class BackupRepositoryTest extends BothStateStores {
    private static InstancesRecord instance(String project) {
        InstancesRecord r = new InstancesRecord();
        r.setId(UUID.randomUUID().toString());
        r.setProjectId(project);
        r.setName("app");
        r.setDatastoreType("mariadb");
        r.setDatastoreVersion("10.11");
        r.setFlavorId("1");
        r.setVolumeSize(1);
        r.setTask(Task.NONE.name());
        r.setHealth(Health.RUNNING.name());
        r.setStep("READY");
        r.setCreatedAt(InstanceRepository.utc(Instant.now()));
        r.setUpdatedAt(InstanceRepository.utc(Instant.now()));
        r.setDeleted(false);
        return r;
    }

    private static BackupsRecord backup(InstancesRecord instance) {
        BackupsRecord r = new BackupsRecord();
        r.setId(UUID.randomUUID().toString());
        r.setProjectId(instance.getProjectId());
        r.setName("b");
        r.setInstanceId(instance.getId());
        r.setDatastoreType("mariadb");
        r.setDatastoreVersion("10.11");
        r.setEngineVersion("10.11.6");
        r.setVolumeSize(1);
        r.setStrategy("mariabackup");
        r.setState("NEW");
        r.setProgressBytes(0L);
        r.setCreatedAt(InstanceRepository.utc(Instant.now()));
        r.setUpdatedAt(InstanceRepository.utc(Instant.now()));
        r.setDeleted(false);
        return r;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void sixConcurrentBackupsAgainstALimitOfThreeRecordExactlyThree(String store) throws Exception {
        String project = "bq-" + UUID.randomUUID();
        try (Database db = open(store); ExecutorService pool = Executors.newFixedThreadPool(6)) {
            InstanceRepository instances = new InstanceRepository(db.dsl());
            BackupRepository backups = new BackupRepository(db.dsl());
            QuotaService quotas = new DefaultQuotaService(new QuotaRepository(db.dsl()), instances, backups,
                    new FlavorCatalog(CoreConfig.defaultFlavors()));
            quotas.update(project, Map.of("backups", 3));
            List<InstancesRecord> rows = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                InstancesRecord row = instance(project);
                assertThat(instances.insertWithPort(row, 42000 + i * 10, 42009 + i * 10, p -> true)).isPresent();
                rows.add(row);
            }
            List<Future<Boolean>> creates = new ArrayList<>();
            for (InstancesRecord row : rows) {
                creates.add(pool.submit(() -> backups.insertChecked(backup(row),
                        held -> quotas.checkBackup(project, held))));
            }
            int accepted = 0;
            List<String> refusals = new ArrayList<>();
            for (Future<Boolean> create : creates) {
                try {
                    assertThat(create.get()).isTrue();
                    accepted++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ReddwarfException.class);
                    refusals.add(e.getCause().getMessage());
                }
            }
            assertThat(accepted).isEqualTo(3);
            assertThat(refusals).containsOnly("Quota exceeded for resources: ['backups'].").hasSize(3);
            assertThat(backups.countHeld(project)).isEqualTo(3);
            long busy = rows.stream().map(r -> instances.find(r.getId()).orElseThrow().getTask())
                    .filter(Task.BACKUP.name()::equals).count();
            assertThat(busy).as("only instances whose backup was recorded are in BACKUP").isEqualTo(3);
            assertThat(usage(quotas, project)).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void failedAndDeletedBackupsHoldNoQuotaAndABusyInstanceIsNotClaimed(String store) {
        String project = "bf-" + UUID.randomUUID();
        try (Database db = open(store)) {
            InstanceRepository instances = new InstanceRepository(db.dsl());
            BackupRepository backups = new BackupRepository(db.dsl());
            InstancesRecord row = instance(project);
            instances.insertWithPort(row, 42100, 42109, p -> true);

            BackupsRecord failed = backup(row);
            assertThat(backups.insertChecked(failed, held -> assertThat(held).isZero())).isTrue();
            assertThat(backups.insertChecked(backup(row), held -> { })).as("instance is in BACKUP").isFalse();
            backups.markFailed(failed.getId(), "Backup failed: test");
            assertThat(backups.countHeld(project)).isZero();
            instances.transitionTask(row.getId(), Task.BACKUP, Task.NONE);

            BackupsRecord completed = backup(row);
            assertThat(backups.insertChecked(completed, held -> assertThat(held).isZero())).isTrue();
            assertThat(backups.countHeld(project)).isEqualTo(1);
            backups.markDeleted(completed.getId());
            assertThat(backups.countHeld(project)).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "mariadb"})
    void strategySettingsArePutReplacedListedAndDeleted(String store) {
        String project = "bs-" + UUID.randomUUID();
        try (Database db = open(store)) {
            BackupStrategyRepository settings = new BackupStrategyRepository(db.dsl());
            settings.put(project, "inst-1", "c1", null);
            settings.put(project, BackupStrategyRepository.PROJECT_WIDE, "team", "mariadb-dump");
            settings.put(project, "inst-1", null, "mariabackup");
            assertThat(settings.list(project, java.util.Optional.empty()))
                    .extracting(r -> r.getInstanceId() + "|" + r.getContainer() + "|" + r.getStrategy())
                    .containsExactly("|team|mariadb-dump", "inst-1|null|mariabackup");
            assertThat(settings.list(project, java.util.Optional.of("inst-1"))).hasSize(1);
            assertThat(settings.find(project, BackupStrategyRepository.PROJECT_WIDE)).isPresent();
            assertThat(settings.delete(project, "inst-1")).isTrue();
            assertThat(settings.delete(project, "inst-1")).isFalse();
            assertThat(settings.list("other-" + project, java.util.Optional.empty())).isEmpty();
        }
    }

    private static long usage(QuotaService quotas, String project) {
        return quotas.show(project).stream().filter(u -> u.resource() == QuotaResource.BACKUPS)
                .mapToLong(QuotaUsage::inUse).findFirst().orElseThrow();
    }
}
