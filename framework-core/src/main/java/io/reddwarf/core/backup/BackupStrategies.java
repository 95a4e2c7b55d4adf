package io.reddwarf.core.backup;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.spi.BackupStrategy;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Plugins;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The backup strategies on the class path; a broken one is logged and skipped. */
public final class BackupStrategies {
    private static final Logger LOG = LoggerFactory.getLogger(BackupStrategies.class);
    private final List<BackupStrategy> strategies;

    public BackupStrategies(List<BackupStrategy> strategies) {
        this.strategies = List.copyOf(strategies);
    }

    public static BackupStrategies load(ClassLoader loader) {
        return new BackupStrategies(Plugins.load(BackupStrategy.class, loader,
                e -> LOG.warn("Skipping a backup strategy that cannot be loaded: {}", e.getMessage())));
    }

    public List<BackupStrategy> all() {
        return strategies;
    }

    public Optional<BackupStrategy> named(String name) {
        return strategies.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * The built-in choice for a new full backup: a physical strategy if there is one (faster to
     * restore), else a logical one.
     *
     * @throws ReddwarfException 422 if none fits
     */
    public BackupStrategy choose(String datastoreType, DatastoreVersion version) {
        List<BackupStrategy> fitting = strategies.stream().filter(s -> s.supports(datastoreType, version)).toList();
        return fitting.stream().filter(s -> s.kind() == BackupStrategy.Kind.PHYSICAL).findFirst()
                .or(() -> fitting.stream().findFirst())
                .orElseThrow(() -> ReddwarfException.unprocessable(
                        "Backups are not supported for the '" + datastoreType + "' datastore."));
    }
}
