package io.reddwarf.driver.mysql;

import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.InvalidRequestException;
import io.reddwarf.spi.PrepareRequest;
import io.reddwarf.spi.UserSpec;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names users may give to databases, accounts and hosts on MySQL-family engines, and the
 * quoting every identifier and literal gets on its way into SQL.
 *
 * <p>The rules are deliberately narrower than what the engines accept:
 * <ul>
 *   <li>database names: 1 to 64 characters from {@code A-Z a-z 0-9 _ $ -}; not {@code mysql},
 *       {@code information_schema}, {@code performance_schema} or {@code sys} (in any case);</li>
 *   <li>user names: 1 to 80 characters from {@code A-Z a-z 0-9 _ . -}; not {@code root},
 *       {@code reddwarf_admin}, {@code mariadb.sys} or MySQL's {@code mysql.*} accounts (in any case);</li>
 *   <li>host patterns: 1 to 255 characters from {@code A-Z a-z 0-9 . % _ : -}, e.g. {@code %},
 *       {@code localhost}, {@code 10.0.%}, {@code ::1};</li>
 *   <li>character sets and collations: 1 to 64 characters from {@code A-Z a-z 0-9 _}.</li>
 * </ul>
 * Quotes, backticks, backslashes, whitespace and control characters are therefore never accepted.
 * Quoting still applies after validation.
 */
public final class MySqlIdentifiers {
    /** The account the control plane administers instances with. */
    public static final String ADMIN_USER = "reddwarf_admin";

    private static final Pattern DATABASE = Pattern.compile("[A-Za-z0-9_$-]{1,64}");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.-]{1,80}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.%_:-]{1,255}");
    private static final Pattern CHARSET = Pattern.compile("[A-Za-z0-9_]{1,64}");
    private static final Set<String> RESERVED_DATABASES =
            Set.of("mysql", "information_schema", "performance_schema", "sys");
    private static final Set<String> RESERVED_USERS = Set.of("root", ADMIN_USER, "mariadb.sys",
            "mysql.sys", "mysql.session", "mysql.infoschema");

    private MySqlIdentifiers() {}

    /** The schemas the engine owns; never listed, created or dropped for users. */
    public static Set<String> systemDatabases() {
        return RESERVED_DATABASES;
    }

    /** The accounts the engine or the control plane owns; never listed, created or dropped for users. */
    public static Set<String> reservedUsers() {
        return RESERVED_USERS;
    }

    /** Checks everything a prepare request names. */
    public static void validate(PrepareRequest request) {
        for (DatabaseSpec database : request.databases()) {
            validateDatabase(database);
        }
        for (UserSpec user : request.users()) {
            validateUser(user);
        }
    }

    /** Checks a database's name, character set and collation. */
    public static void validateDatabase(DatabaseSpec database) {
        validateDatabaseName(database.name());
        database.characterSet().ifPresent(cs -> validateCharset("Character set", cs));
        database.collation().ifPresent(c -> validateCharset("Collation", c));
    }

    /** Checks a user's name, host and database names. */
    public static void validateUser(UserSpec user) {
        validateUserName(user.name());
        validateHost(user.host());
        for (String database : user.databases()) {
            validateDatabaseName(database);
        }
    }

    /** @throws InvalidRequestException if {@code name} is not an acceptable database name */
    public static void validateDatabaseName(String name) {
        if (name == null || !DATABASE.matcher(name).matches()) {
            throw new InvalidRequestException("Database name '" + name
                    + "' is not valid: use 1 to 64 letters, digits, '_', '$' or '-'.");
        }
        if (RESERVED_DATABASES.contains(name.toLowerCase(Locale.ROOT))) {
            throw new InvalidRequestException("Database name '" + name + "' is reserved.");
        }
    }

    /** @throws InvalidRequestException if {@code name} is not an acceptable user name */
    public static void validateUserName(String name) {
        if (name == null || !USER.matcher(name).matches()) {
            throw new InvalidRequestException("User name '" + name
                    + "' is not valid: use 1 to 80 letters, digits, '_', '.' or '-'.");
        }
        if (RESERVED_USERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new InvalidRequestException("User name '" + name + "' is reserved.");
        }
    }

    /** @throws InvalidRequestException if {@code name} is longer than an engine's {@code max} */
    public static void validateUserNameLength(String name, int max) {
        if (name.length() > max) {
            throw new InvalidRequestException("User name '" + name + "' is too long: use at most " + max + " characters.");
        }
    }

    /** @throws InvalidRequestException if {@code host} is not an acceptable host pattern */
    public static void validateHost(String host) {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new InvalidRequestException("Host '" + host
                    + "' is not valid: use '%', 'localhost', a host name or an IP address, optionally with '%' or '_' wildcards.");
        }
    }

    private static void validateCharset(String what, String value) {
        if (!CHARSET.matcher(value).matches()) {
            throw new InvalidRequestException(what + " '" + value + "' is not valid: use 1 to 64 letters, digits or '_'.");
        }
    }

    /** {@code name} as a backtick-quoted identifier, with backticks doubled. */
    public static String quoteIdentifier(String name) {
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains NUL");
        }
        return '`' + name.replace("`", "``") + '`';
    }

    /**
     * A database name quoted for the {@code ON <db>.*} clause of {@code GRANT}, where {@code _} and
     * {@code %} are wildcards unless escaped.
     */
    public static String quoteGrantDatabase(String name) {
        return quoteIdentifier(name.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%"));
    }

    /** {@code value} as a single-quoted string literal, with quotes, backslashes and control characters escaped. */
    public static String quoteString(String value) {
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\'' -> quoted.append("\\'");
                case '\\' -> quoted.append("\\\\");
                case '\0' -> quoted.append("\\0");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\u001a' -> quoted.append("\\Z");
                default -> quoted.append(c);
            }
        }
        return quoted.append('\'').toString();
    }

    /** An account as {@code 'name'@'host'}. */
    public static String quoteAccount(String name, String host) {
        return quoteString(name) + "@" + quoteString(host);
    }
}
