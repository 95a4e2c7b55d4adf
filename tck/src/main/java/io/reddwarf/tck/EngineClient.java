package io.reddwarf.tck;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.Endpoint;
import io.reddwarf.spi.InstanceContext;
import io.reddwarf.spi.Secret;
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
