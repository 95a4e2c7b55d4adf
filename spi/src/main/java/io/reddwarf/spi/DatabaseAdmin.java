package io.reddwarf.spi;

import java.util.List;

/** Databases of a running instance. All methods talk to the engine and may throw {@link DatastoreException}. */
public interface DatabaseAdmin {
    /** User databases, without the engine's system schemas, sorted by name. */
    List<DatabaseSpec> list();

    /** Creates the databases that do not exist yet. */
    void create(List<DatabaseSpec> databases);

    /** Drops the database if it exists. */
    void drop(String name);
}
