package io.reddwarf.spi;

import java.util.List;

/** Databases of a running instance. All methods talk to the engine and may throw {@link DatastoreException}. */
public interface DatabaseAdmin {
    /** User databases, without the engine's system schemas, sorted by name. */
    List<DatabaseSpec> list();

    /**
     * Creates the databases that do not exist yet.
     *
     * @throws InvalidRequestException if a name is not acceptable, or a character set or collation
     *         is not one the engine offers (the driver asks the engine for its list)
     */
    void create(List<DatabaseSpec> databases);

    /** Drops the database if it exists. */
    void drop(String name);
}
