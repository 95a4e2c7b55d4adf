package io.reddwarf.driver.mysql;

import static io.reddwarf.driver.mysql.MySqlIdentifiers.quoteAccount;
import static io.reddwarf.driver.mysql.MySqlIdentifiers.quoteGrantDatabase;
import static io.reddwarf.driver.mysql.MySqlIdentifiers.quoteIdentifier;
import static io.reddwarf.driver.mysql.MySqlIdentifiers.quoteString;
import static java.util.Objects.requireNonNull;
import io.reddwarf.spi.DatabaseAdmin;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.RootAdmin;
import io.reddwarf.spi.Secret;
import io.reddwarf.spi.UserAdmin;
import io.reddwarf.spi.UserSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The accounts and schemas of an engine of the MySQL family (MariaDB, MySQL, Percona): databases,
 * users with their grants, and the tenant's root account, each an SQL statement run as the
 * control plane's administrative account. Identifiers are validated and quoted
 * ({@link MySqlIdentifiers}); passwords travel as secrets, redacted from every message.
 */
final class MySqlFamilyAccounts {
    /** Runs SQL as the administrative account; answers the rows. */
    @FunctionalInterface
    interface Admin {
        List<List<String>> run(String sql, List<Secret> secrets);
    }

    private final Engine engine;
    private final Admin admin;

    MySqlFamilyAccounts(Engine engine, Admin admin) {
        this.engine = requireNonNull(engine, "engine is null");
        this.admin = requireNonNull(admin, "admin is null");
    }

    private List<List<String>> admin(String sql, List<Secret> secrets) {
        return admin.run(sql, secrets);
    }

    DatabaseAdmin databases() {
        return new DatabaseAdmin() {
            @Override
            public List<DatabaseSpec> list() {
                String sql = "SELECT SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
                        + " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN ("
                        + quotedList(MySqlIdentifiers.systemDatabases()) + ") ORDER BY SCHEMA_NAME;\n";
                return admin(sql, List.of()).stream()
                        .map(row -> new DatabaseSpec(row.get(0), Optional.of(row.get(1)), Optional.of(row.get(2))))
                        .toList();
            }

            @Override
            public void create(List<DatabaseSpec> databases) {
                databases.forEach(MySqlIdentifiers::validateDatabase);
                if (databases.isEmpty()) {
                    return;
                }
                if (databases.stream().anyMatch(d -> d.characterSet().isPresent() || d.collation().isPresent())) {
                    checkCharacterSets(databases);
                }
                admin(createDatabasesSql(databases), List.of());
            }

            @Override
            public void drop(String name) {
                MySqlIdentifiers.validateDatabaseName(name);
                admin("DROP DATABASE IF EXISTS " + quoteIdentifier(name) + ";\n", List.of());
            }
        };
    }

    UserAdmin users() {
        return new UserAdmin() {
            @Override
            public List<User> list() {
                String sql = "SELECT u.User, u.Host, IFNULL(d.Db, '') FROM mysql.user u"
                        + " LEFT JOIN mysql.db d ON d.User = u.User AND d.Host = u.Host"
                        + " WHERE " + engine.notARoleCondition() + "u.User <> '' AND u.User NOT IN ("
                        + quotedList(MySqlIdentifiers.reservedUsers()) + ")"
                        + " ORDER BY u.User, u.Host, d.Db;\n";
                Map<List<String>, List<String>> grants = new LinkedHashMap<>();
                for (List<String> row : admin(sql, List.of())) {
                    List<String> databases = grants.computeIfAbsent(List.of(row.get(0), row.get(1)), k -> new ArrayList<>());
                    if (!row.get(2).isEmpty()) {
                        databases.add(unescapeGrantDatabase(row.get(2)));
                    }
                }
                return grants.entrySet().stream()
                        .map(e -> new User(e.getKey().get(0), e.getKey().get(1), e.getValue()))
                        .toList();
            }

            @Override
            public void create(List<UserSpec> users) {
                users.forEach(MySqlIdentifiers::validateUser);
                users.forEach(user -> MySqlIdentifiers.validateUserNameLength(user.name(), engine.maxUserNameLength()));
                if (!users.isEmpty()) {
                    List<Secret> secrets = new ArrayList<>();
                    String sql = createUsersSql(users, secrets);
                    admin(sql, secrets);
                }
            }

            @Override
            public void drop(String name, String host) {
                MySqlIdentifiers.validateUserName(name);
                MySqlIdentifiers.validateHost(host);
                admin("DROP USER IF EXISTS " + quoteAccount(name, host) + ";\n", List.of());
            }

            @Override
            public String datastoreType() {
                return engine.type();
            }

            /** RENAME USER carries the privileges along; a failed password change renames the account back. */
            @Override
            public void update(String name, String host, UserUpdate update) {
                MySqlIdentifiers.validateUserName(name);
                MySqlIdentifiers.validateHost(host);
                String newName = update.name().orElse(name);
                String newHost = update.host().orElse(host);
                MySqlIdentifiers.validateUserName(newName);
                MySqlIdentifiers.validateHost(newHost);
                String account = quoteAccount(name, host);
                String renamed = quoteAccount(newName, newHost);
                boolean rename = !account.equals(renamed);
                if (rename) {
                    admin("RENAME USER " + account + " TO " + renamed + ";\n", List.of());
                }
                if (update.password().isPresent()) {
                    Secret password = update.password().get();
                    try {
                        admin("ALTER USER " + renamed + " IDENTIFIED BY " + quoteString(password.value()) + ";\n",
                                List.of(password));
                    } catch (DatastoreException e) {
                        if (rename) {
                            admin("RENAME USER " + renamed + " TO " + account + ";\n", List.of());
                        }
                        throw e;
                    }
                }
            }

            @Override
            public void changePasswords(List<PasswordChange> changes) {
                StringBuilder sql = new StringBuilder();
                List<Secret> secrets = new ArrayList<>();
                for (PasswordChange change : changes) {
                    MySqlIdentifiers.validateUserName(change.name());
                    MySqlIdentifiers.validateHost(change.host());
                    secrets.add(change.password());
                    sql.append("ALTER USER ").append(quoteAccount(change.name(), change.host())).append(" IDENTIFIED BY ")
                            .append(quoteString(change.password().value())).append(";\n");
                }
                if (!changes.isEmpty()) {
                    admin(sql.toString(), secrets);
                }
            }

            @Override
            public void grant(String name, String host, List<String> databases) {
                MySqlIdentifiers.validateUserName(name);
                MySqlIdentifiers.validateHost(host);
                StringBuilder sql = new StringBuilder();
                for (String database : databases) {
                    MySqlIdentifiers.validateDatabaseName(database);
                    sql.append("GRANT ALL PRIVILEGES ON ").append(quoteGrantDatabase(database)).append(".* TO ")
                            .append(quoteAccount(name, host)).append(";\n");
                }
                if (!databases.isEmpty()) {
                    admin(sql.toString(), List.of());
                }
            }

            @Override
            public void revoke(String name, String host, String database) {
                MySqlIdentifiers.validateUserName(name);
                MySqlIdentifiers.validateHost(host);
                MySqlIdentifiers.validateDatabaseName(database);
                admin("REVOKE ALL PRIVILEGES ON " + quoteGrantDatabase(database) + ".* FROM "
                        + quoteAccount(name, host) + ";\n", List.of());
            }
        };
    }

    RootAdmin root() {
        return new RootAdmin() {
            private static final String ROOT_ACCOUNT = "'root'@'%'";

            @Override
            public boolean isEnabled() {
                List<List<String>> rows = admin(
                        "SELECT COUNT(*) FROM mysql.user WHERE User = 'root' AND Host = '%';\n", List.of());
                return !rows.isEmpty() && !"0".equals(rows.get(0).get(0));
            }

            @Override
            public Secret enable(Optional<Secret> password) {
                Secret secret = password.orElseGet(MySqlFamilyInstance::generatePassword);
                String literal = quoteString(secret.value());
                admin("CREATE USER IF NOT EXISTS " + ROOT_ACCOUNT + " IDENTIFIED BY " + literal + ";\n"
                        + "ALTER USER " + ROOT_ACCOUNT + " IDENTIFIED BY " + literal + ";\n"
                        + "GRANT ALL PRIVILEGES ON *.* TO " + ROOT_ACCOUNT + " WITH GRANT OPTION;\n"
                        + "REVOKE " + String.join(", ", engine.privilegesWithheldFromRoot()) + " ON *.* FROM "
                        + ROOT_ACCOUNT + ";\n", List.of(secret));
                return secret;
            }

            @Override
            public void disable() {
                admin("DROP USER IF EXISTS " + ROOT_ACCOUNT + ";\n", List.of());
            }
        };
    }

    /** Checks character sets and collations against the engine's own lists. */
    private void checkCharacterSets(List<DatabaseSpec> databases) {
        CharacterSets.of(admin("SELECT CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLLATIONS"
                + " WHERE CHARACTER_SET_NAME IS NOT NULL;\n", List.of())).check(databases);
    }

    static String createDatabasesSql(List<DatabaseSpec> databases) {
        StringBuilder sql = new StringBuilder();
        for (DatabaseSpec database : databases) {
            sql.append("CREATE DATABASE IF NOT EXISTS ").append(quoteIdentifier(database.name()));
            database.characterSet().ifPresent(cs -> sql.append(" CHARACTER SET ").append(quoteIdentifier(cs)));
            database.collation().ifPresent(c -> sql.append(" COLLATE ").append(quoteIdentifier(c)));
            sql.append(";\n");
        }
        return sql.toString();
    }

    static String createUsersSql(List<UserSpec> users, List<Secret> secrets) {
        StringBuilder sql = new StringBuilder();
        for (UserSpec user : users) {
            secrets.add(user.password());
            String account = quoteAccount(user.name(), user.host());
            sql.append("CREATE USER IF NOT EXISTS ").append(account).append(" IDENTIFIED BY ")
                    .append(quoteString(user.password().value())).append(";\n");
            for (String database : user.databases()) {
                sql.append("GRANT ALL PRIVILEGES ON ").append(quoteGrantDatabase(database)).append(".* TO ")
                        .append(account).append(";\n");
            }
        }
        return sql.toString();
    }

    private static String quotedList(java.util.Set<String> values) {
        return values.stream().sorted().map(MySqlIdentifiers::quoteString).collect(Collectors.joining(", "));
    }

    private static String unescapeGrantDatabase(String pattern) {
        return pattern.replace("\\_", "_").replace("\\%", "%").replace("\\\\", "\\");
    }
}
