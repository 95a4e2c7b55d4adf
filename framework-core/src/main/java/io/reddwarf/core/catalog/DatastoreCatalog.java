package io.reddwarf.core.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The datastores whose driver is loaded and whose engine is installed, with their versions.
 * Datastores and versions have stable UUIDs derived from their names, so ids survive restarts and
 * are the same on every host.
 */
public interface DatastoreCatalog {

    /** All available datastores, sorted by name. */
    List<DatastoreInfo> list();

    /**
     * A datastore by name or id.
     *
     * @throws io.reddwarf.core.ReddwarfException 404 naming what was asked for
     */
    DatastoreInfo get(String nameOrId);

    /**
     * A version of a datastore by name or id.
     *
     * @throws io.reddwarf.core.ReddwarfException 404 naming what was asked for
     */
    VersionInfo version(String datastoreNameOrId, String versionNameOrId);

    /** A datastore with its versions; {@code defaultVersion} is the newest version's id. */
    record DatastoreInfo(String id, String name, String defaultVersionId, List<VersionInfo> versions) {
        public DatastoreInfo {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(defaultVersionId, "defaultVersionId is null");
            versions = List.copyOf(requireNonNull(versions, "versions is null"));
        }
    }

    /** A runnable version: its API name ("10.11") and the exact engine version ("10.11.19"). */
    record VersionInfo(String id, String name, String datastoreId, String datastoreName, String engineVersion,
            boolean active) {
        public VersionInfo {
            requireNonNull(id, "id is null");
            requireNonNull(name, "name is null");
            requireNonNull(datastoreId, "datastoreId is null");
            requireNonNull(datastoreName, "datastoreName is null");
            requireNonNull(engineVersion, "engineVersion is null");
        }
    }
}
