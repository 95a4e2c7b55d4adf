package io.reddwarf.tck;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.Secret;
import java.util.Map;
import java.util.Optional;

/**
 * How the TCK reaches the data of an instance without going through the driver under test: a
 * driver's test implements it with the engine's own client (for SQL engines, e.g. a table
 * {@code tck_kv(k, v)} in the session's database). Called on the test thread while the engine runs.
 */
public interface EngineClient {

    /**
     * Stores {@code value} under {@code key}, replacing any previous value, durably (committed).
     *
     * @throws RuntimeException with the engine's error if the write fails
     */
    void put(Session session, String key, String value);

    /**
     * The value stored under {@code key}, if any.
     *
     * @throws RuntimeException with the engine's error if the read fails
     */
    Optional<String> get(Session session, String key);

    /**
     * Stores every entry as {@link #put} would. The backup section writes a few thousand entries at
     * once, some of them kilobytes long, with 4-byte UTF-8 characters, quotes, backslashes, tabs and
     * newlines; the default calls {@link #put} for each, an implementation may batch them.
     *
     * @throws RuntimeException with the engine's error if a write fails
     */
    default void putAll(Session session, Map<String, String> entries) {
        entries.forEach((key, value) -> put(session, key, value));
    }

    /**
     * A fingerprint of everything stored through {@link #put}, computed by the engine (for SQL
     * engines, e.g. the row count and {@code CHECKSUM TABLE}): equal for equal contents, different
     * when an entry is missing or differs. Needed by drivers that claim backups: the backup section
     * compares the fingerprint of a restored instance with the source's.
     *
     * @throws RuntimeException with the engine's error if the read fails
     * @throws UnsupportedOperationException if this client cannot compute one (the default)
     */
    default String fingerprint(Session session) {
        throw new UnsupportedOperationException("This engine client computes no fingerprint: implement"
                + " EngineClient.fingerprint() to run the backup section");
    }

    /** Whether the session's login is accepted by the engine; never throws for a refused login. */
    boolean canLogIn(Session session);

    /**
     * Where and as whom to connect.
     *
     * @param context  the instance's context (its sockets, secrets and files)
     * @param endpoint the instance's network endpoint
     * @param login    the account to log in as over the network; empty means however the client can
     *                 reach the engine as its administrator (e.g. the superuser on the local socket)
     * @param database the database to use; empty means the client's choice
     */
    record Session(InstanceContext context, Endpoint endpoint, Optional<Login> login, Optional<String> database) {
        public Session {
            requireNonNull(context, "context is null");
            requireNonNull(endpoint, "endpoint is null");
            requireNonNull(login, "login is null");
            requireNonNull(database, "database is null");
        }
    }

    /** A user name and password. */
    record Login(String user, Secret password) {
        public Login {
            requireNonNull(user, "user is null");
            requireNonNull(password, "password is null");
        }
    }
}
