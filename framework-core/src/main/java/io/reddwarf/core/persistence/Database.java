package io.reddwarf.core.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.reddwarf.core.CoreConfig;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state store: a pooled data source, migrated by Flyway on open, with a jOOQ context for the
 * repositories. The embedded default is an H2 file under {@code $REDDWARF_HOME/state}, whose files
 * H2 creates owner-only ({@link OwnerOnlyFilePath}); any JDBC URL of H2, MariaDB or MySQL works in
 * production.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final SQLDialect dialect;

    private Database(HikariDataSource dataSource, SQLDialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.dsl = DSL.using(dataSource, dialect,
                new Settings().withRenderQuotedNames(RenderQuotedNames.NEVER).withExecuteLogging(false));
    }

    /** Opens the configured state store and applies pending migrations. */
    public static Database open(CoreConfig config) {
        String url = config.jdbcUrl().orElseGet(() -> embeddedUrl(config.home().resolve("state")));
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        config.jdbcUser().ifPresent(hc::setUsername);
        config.jdbcPassword().ifPresent(hc::setPassword);
        hc.setPoolName("reddwarf-state");
        hc.setMaximumPoolSize(Math.max(10, config.workers() + 6));
        hc.setConnectionTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            SQLDialect dialect = dialectOf(url);
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            LOG.info("State store ready ({})", dialect.getName());
            return new Database(ds, dialect);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /** H2's file system that reopens a file channel closed by an interrupt ({@code FilePathRetryOnInterrupt}). */
    static final String RETRY_SCHEME = "retry";

    static String embeddedUrl(Path stateDir) {
        OwnerOnlyFilePath.register();
        // AUTO_SERVER is off: one control plane owns the file; a second one fails fast on the lock.
        // WRITE_DELAY=0: a commit is on disk before the API answers, so kill -9 loses no committed row.
        // retry: a thread interrupted in the middle of the file's I/O (a workflow stopped at shutdown,
        // a caller that gave up) would otherwise close the file channel under every other connection
        // (ClosedByInterruptException, then "The database has been closed"); H2's retry layer
        // reopens it and carries on.
        return "jdbc:h2:" + RETRY_SCHEME + ":" + OwnerOnlyFilePath.SCHEME + ":" + stateDir.resolve("reddwarf").toAbsolutePath()
                + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0";
    }

    static SQLDialect dialectOf(String url) {
        if (url.startsWith("jdbc:h2:")) {
            return SQLDialect.H2;
        }
        if (url.startsWith("jdbc:mariadb:")) {
            return SQLDialect.MARIADB;
        }
        if (url.startsWith("jdbc:mysql:")) {
            return SQLDialect.MYSQL;
        }
        throw new IllegalArgumentException("Unsupported state store URL (use jdbc:h2:, jdbc:mariadb: or jdbc:mysql:): "
                + url.replaceAll("password=[^&;]*", "password=******"));
    }

    public DSLContext dsl() {
        return dsl;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public SQLDialect dialect() {
        return dialect;
    }

    @Override
    public void close() {
        if (dialect == SQLDialect.H2) {
            try {
                dsl.execute("SHUTDOWN");
            } catch (RuntimeException e) {
                LOG.debug("H2 shutdown: {}", e.getMessage());
            }
        }
        dataSource.close();
    }
}
