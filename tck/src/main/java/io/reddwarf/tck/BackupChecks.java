package io.reddwarf.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.Capability;
import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatastoreException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import io.reddwarf.spi.DatastoreInstance;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.HealthStatus;
import io.reddwarf.spi.NotSupportedException;
import io.reddwarf.spi.UserAdmin.User;
import io.reddwarf.tck.EngineClient.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Tag;

/**
 * The backup section of the TCK: every claimed {@link BackupStrategy} backs up a running instance
 * (full, then incremental where it claims to), restores into fresh instances the way the control
 * plane does, and refuses truncated input.
 */
abstract class BackupChecks extends TckHarness {
    // ---------------------------------------------------------------- backup

    /**
     * The backup strategies the driver claims, by {@link BackupStrategy#name()}: each must be on the
     * class path and support the version under test, or the backup section fails naming it. Empty
     * (the default) claims every strategy on the class path that supports the version. Only read
     * when the driver claims {@link Capability#BACKUP}.
     */
    protected Set<String> backupStrategies() {
        return Set.of();
    }

    @Backup
    void backupStrategiesAreThoseClaimed() {
        if (!claims(Capability.BACKUP)) {
            for (DatastoreVersion version : driver().versions()) {
                assertThat(strategiesOnClassPath().stream().filter(s -> s.supports(type(), version)).map(BackupStrategy::name))
                        .as("backup strategies for '%s' %s, which does not claim BACKUP", type(), version.name()).isEmpty();
            }
            return;
        }
        DatastoreVersion version = version();
        List<String> supporting = strategiesOnClassPath().stream().filter(s -> s.supports(type(), version))
                .map(BackupStrategy::name).toList();
        assertThat(supporting).as("backup strategies on the class path that support '%s' %s, which claims BACKUP",
                type(), version.name()).isNotEmpty();
        assertThat(supporting).as("backup strategies on the class path that support '%s' %s, against backupStrategies()",
                type(), version.name()).containsAll(backupStrategies());
    }

    /**
     * For each claimed strategy: rows written, a full backup, more rows, an incremental backup when
     * the strategy makes them, more rows; each backup restored into a fresh instance the way the
     * control plane restores, and the restored data, accounts and instance checked.
     */
    @TestFactory
    @Tag("tck-backup")
    Stream<DynamicTest> eachClaimedStrategyRestoresWhatItBackedUp() {
        if (!claims(Capability.BACKUP)) {
            return Stream.empty();
        }
        DatastoreVersion version = version();
        List<BackupStrategy> supporting = strategiesOnClassPath().stream().filter(s -> s.supports(type(), version)).toList();
        List<BackupStrategy> claimed = backupStrategies().isEmpty() ? supporting
                : supporting.stream().filter(s -> backupStrategies().contains(s.name())).toList();
        return claimed.stream().map(strategy -> DynamicTest.dynamicTest(
                "strategy " + strategy.name() + " restores full" + (strategy.incremental() ? " and incremental" : "") + " backups",
                () -> backUpAndRestore(strategy)));
    }

    private void backUpAndRestore(BackupStrategy strategy) {
        String by = " by strategy '" + strategy.name() + "'";
        Path backups = scratchDir().resolve("backups-" + UUID.randomUUID().toString().substring(0, 8));
        backupDirs.add(backups);
        call("creating " + backups, () -> createDirectories(backups));
        Prepared source = prepare("source");
        Session sourceSession = adminSession(source);

        call("writing the first rows", () -> engineClient().putAll(sourceSession, rows(0, FIRST_ROWS, "first")));
        call("writing the first probe", () -> engineClient().put(sourceSession, "probe-1", "first batch ✓ 😀"));
        Stored full = backup(strategy, source, Optional.empty(), backups.resolve("full"), "backup()" + by);
        String afterFull = fingerprint(sourceSession, "after the full backup");

        call("writing the second rows", () -> engineClient().putAll(sourceSession, rows(FIRST_ROWS / 2, FIRST_ROWS, "second")));
        call("writing the second probe", () -> engineClient().put(sourceSession, "probe-2", "second batch ✓ 中文"));
        Optional<Stored> incremental = Optional.empty();
        String afterIncremental = fingerprint(sourceSession, "after the second rows");
        assertThat(afterIncremental).as("fingerprint() after writing rows, against the one before").isNotEqualTo(afterFull);
        if (strategy.incremental()) {
            incremental = Optional.of(backup(strategy, source, Optional.of(full.metadata()), backups.resolve("incremental"),
                    "incremental backup()" + by));
            assertThat(fingerprint(sourceSession, "after the incremental backup"))
                    .as("fingerprint() after an incremental backup" + by).isEqualTo(afterIncremental);
        } else {
            assertThatThrownBy(() -> strategy.backup(source.context(), Optional.of(full.metadata()), OutputStream.nullOutputStream()))
                    .as("backup() with a parent" + by + ", which is not incremental")
                    .isInstanceOf(NotSupportedException.class);
        }
        call("writing the third rows", () -> engineClient().putAll(sourceSession, rows(FIRST_ROWS * 2, FIRST_ROWS / 4, "third")));
        call("writing the third probe", () -> engineClient().put(sourceSession, "probe-3", "third batch"));

        Prepared fromFull = restoreIntoFreshInstance(strategy, List.of(full), "the full backup");
        expectRestored(strategy, fromFull, afterFull, 1, "the full backup");
        destroy(fromFull);
        if (incremental.isPresent()) {
            Prepared fromChain = restoreIntoFreshInstance(strategy, List.of(full, incremental.get()), "the full and incremental backups");
            expectRestored(strategy, fromChain, afterIncremental, 2, "the full and incremental backups");
            destroy(fromChain);
        }

        Stored truncated = new Stored(backups.resolve("truncated"), full.metadata());
        call("truncating a backup", () -> truncate(full.file(), truncated.file()));
        Prepared target = prepareTarget(strategy, "truncated");
        call("preparing the restore of a truncated backup" + by, () -> clearForRestore(strategy, target));
        assertThatThrownBy(() -> restoreOne(strategy, target, truncated))
                .as("restore()" + by + " of a full backup cut off at half its length").isInstanceOf(DatastoreException.class);
        destroy(target);

        destroy(source);
        TckInstanceContext.deleteTree(backups);
    }

    /** A backup written to a file, and its metadata. */
    private record Stored(Path file, BackupMetadata metadata) {}

    private Stored backup(BackupStrategy strategy, Prepared source, Optional<BackupMetadata> parent, Path file, String operation) {
        BackupMetadata metadata = call(operation, () -> {
            try (OutputStream sink = new BufferedOutputStream(Files.newOutputStream(file))) {
                return strategy.backup(source.context(), parent, sink);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        assertThat(metadata.strategy()).as("the strategy named in the metadata of %s", operation).isEqualTo(strategy.name());
        assertThat(file).as("what %s wrote", operation).isNotEmptyFile();
        return new Stored(file, metadata);
    }

    /**
     * Restores a chain the way the control plane does: into an instance prepared with no databases
     * and no users; for a physical strategy the engine is stopped and the data directory emptied but
     * for its hidden entries, every backup is restored in order, the engine started and
     * {@link BackupStrategy#afterRestore} called once.
     */
    private Prepared restoreIntoFreshInstance(BackupStrategy strategy, List<Stored> chain, String what) {
        String by = " by strategy '" + strategy.name() + "'";
        Prepared target = prepareTarget(strategy, "restored");
        call("preparing the restore of " + what + by, () -> clearForRestore(strategy, target));
        for (Stored backup : chain) {
            call("restore() of " + backup.file().getFileName() + by, () -> restoreOne(strategy, target, backup));
        }
        if (strategy.kind() == BackupStrategy.Kind.PHYSICAL) {
            call("start() after a restore" + by, target.instance()::start);
            call("afterRestore()" + by, () -> strategy.afterRestore(target.context()));
        }
        return target;
    }

    /**
     * A fresh instance to restore into, prepared the way the control plane prepares it: with no
     * databases and no users, and for a physical strategy with
     * {@link DatastoreInstance#prepareForPhysicalRestore}, which must leave the engine stopped.
     */
    private Prepared prepareTarget(BackupStrategy strategy, String purpose) {
        if (strategy.kind() != BackupStrategy.Kind.PHYSICAL) {
            return prepare(purpose, EMPTY_REQUEST);
        }
        TckInstanceContext context = newContext(purpose);
        DatastoreInstance instance = call("open()", () -> driver().open(context));
        call("prepareForPhysicalRestore()", () -> instance.prepareForPhysicalRestore(EMPTY_REQUEST));
        expectStatus(instance, HealthStatus.SHUTDOWN, "prepareForPhysicalRestore()");
        return new Prepared(context, instance);
    }

    private static void clearForRestore(BackupStrategy strategy, Prepared target) {
        if (strategy.kind() == BackupStrategy.Kind.PHYSICAL) {
            target.instance().stop();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(target.context().dataDir(),
                    p -> !p.getFileName().toString().startsWith("."))) {
                for (Path entry : entries) {
                    TckInstanceContext.deleteTree(entry);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void restoreOne(BackupStrategy strategy, Prepared target, Stored backup) {
        try (InputStream source = new BufferedInputStream(Files.newInputStream(backup.file()))) {
            strategy.restore(target.context(), backup.metadata(), source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void expectRestored(BackupStrategy strategy, Prepared restored, String fingerprint, int probes, String what) {
        String into = " an instance restored" + " by strategy '" + strategy.name() + "' from " + what;
        expectStatus(restored.instance(), HealthStatus.RUNNING, "restoring" + " by strategy '" + strategy.name() + "' from " + what);
        Session session = adminSession(restored);
        if (claims(Capability.USERS)) {
            assertThat(engineClient().canLogIn(session)).as("the user created by prepare() of the source logs in to" + into).isTrue();
        }
        assertThat(fingerprint(session, "of" + into)).as("fingerprint() of%s, against the source's when it was backed up", into)
                .isEqualTo(fingerprint);
        for (int probe = 1; probe <= 3; probe++) {
            String key = "probe-" + probe;
            Optional<String> value = call("reading through the engine client", () -> engineClient().get(session, key));
            if (probe <= probes) {
                assertThat(value).as("%s in%s", key, into).isPresent();
            } else {
                assertThat(value).as("%s, written after the backup, in%s", key, into).isEmpty();
            }
        }
        if (claims(Capability.DATABASES)) {
            assertThat(names(call("databases().list()", () -> restored.instance().databases().list())))
                    .as("databases().list() of%s", into).containsExactly(DATABASE);
        }
        if (claims(Capability.USERS)) {
            List<String> grants = claims(Capability.DATABASES) ? List.of(DATABASE) : List.of();
            assertThat(call("users().list()", () -> restored.instance().users().list()))
                    .as("users().list() of%s", into).containsExactly(new User(USER.user(), "%", grants));
        }
        call("stop() of" + into, restored.instance()::stop);
        call("start() of" + into, restored.instance()::start);
        expectStatus(restored.instance(), HealthStatus.RUNNING, "stop() and start() of" + into);
        assertThat(fingerprint(session, "after a restart of" + into)).as("fingerprint() after a restart of%s", into)
                .isEqualTo(fingerprint);
    }

    private String fingerprint(Session session, String when) {
        return call("fingerprint() " + when, () -> engineClient().fingerprint(session));
    }

    private void destroy(Prepared prepared) {
        call("destroy()", prepared.instance()::destroy);
        assertThat(TckInstanceContext.processesReferencing(prepared.context().homeDir()))
                .as("processes referencing %s after destroy()", prepared.context().homeDir()).isEmpty();
        assertThat(prepared.context().homeDir()).as("instance home after destroy()").doesNotExist();
    }

    /**
     * Rows {@code r<n>} for {@code n} in {@code [from, from + count)}: short values with 4-byte
     * UTF-8 characters, quotes, backslashes, tabs and newlines, and every 100th a few kilobytes long.
     */
    private static Map<String, String> rows(int from, int count, String batch) {
        Map<String, String> rows = new LinkedHashMap<>();
        for (int n = from; n < from + count; n++) {
            String value = batch + " " + n + " Grüße 😀 中文 'it''s' back\\slash\ttab\nnewline";
            if (n % 100 == 0) {
                value = value + " " + (batch + " " + n + " ").repeat(4000 / (batch.length() + 8));
            }
            rows.put(String.format("r%06d", n), value);
        }
        return rows;
    }

    private static void truncate(Path from, Path to) {
        try {
            byte[] bytes = Files.readAllBytes(from);
            Files.write(to, Arrays.copyOf(bytes, bytes.length / 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<BackupStrategy> strategiesOnClassPath() {
        return load(ServiceLoader.load(BackupStrategy.class, driver().getClass().getClassLoader()).iterator(), new ArrayList<>());
    }
}
