package io.reddwarf.core.catalog;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.registry.DriverRegistry;
import io.reddwarf.spi.DatastoreVersion;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/** The datastore catalog over the driver registry: drivers whose engine is installed, with their versions. */
public final class RegistryDatastoreCatalog implements DatastoreCatalog {
    private final List<DatastoreInfo> datastores;
    private final List<String> withoutEngine;

    public RegistryDatastoreCatalog(DriverRegistry registry) {
        requireNonNull(registry, "registry is null");
        List<DatastoreInfo> all = new ArrayList<>();
        List<String> noEngine = new ArrayList<>();
        for (String type : registry.types()) {
            List<DatastoreVersion> found = registry.versions(type);
            if (found.isEmpty()) {
                noEngine.add(type);
                continue;
            }
            String dsId = datastoreId(type);
            List<VersionInfo> versions = found.stream()
                    .sorted(Comparator.comparing(DatastoreVersion::name, RegistryDatastoreCatalog::compareVersions))
                    .map(v -> new VersionInfo(versionId(type, v.name()), v.name(), dsId, type, v.engineVersion(), true))
                    .toList();
            all.add(new DatastoreInfo(dsId, type, versions.getLast().id(), versions));
        }
        all.sort(Comparator.comparing(DatastoreInfo::name));
        this.datastores = List.copyOf(all);
        this.withoutEngine = List.copyOf(noEngine);
    }

    /** The stable id of a datastore type. */
    public static String datastoreId(String type) {
        return UUID.nameUUIDFromBytes(("datastore:" + type).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The stable id of a datastore version. */
    public static String versionId(String type, String version) {
        return UUID.nameUUIDFromBytes(("datastore-version:" + type + ":" + version).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    @Override
    public List<DatastoreInfo> list() {
        return datastores;
    }

    @Override
    public DatastoreInfo get(String nameOrId) {
        return datastores.stream()
                .filter(d -> d.name().equals(nameOrId) || d.id().equals(nameOrId))
                .findFirst()
                .orElseThrow(() -> ReddwarfException.notFound(withoutEngine.contains(nameOrId)
                        ? "Datastore '" + nameOrId + "' cannot be found: its driver is installed but its engine is not."
                        : "Datastore '" + nameOrId + "' cannot be found."));
    }

    @Override
    public VersionInfo version(String datastoreNameOrId, String versionNameOrId) {
        DatastoreInfo ds = get(datastoreNameOrId);
        return ds.versions().stream()
                .filter(v -> v.name().equals(versionNameOrId) || v.id().equals(versionNameOrId))
                .findFirst()
                .orElseThrow(() -> ReddwarfException.notFound(
                        "Datastore version '" + versionNameOrId + "' cannot be found."));
    }

    static int compareVersions(String a, String b) {
        String[] pa = a.split("[.-]");
        String[] pb = b.split("[.-]");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = isNumber(pa[i]) && isNumber(pb[i])
                    ? Long.compare(Long.parseLong(pa[i]), Long.parseLong(pb[i]))
                    : pa[i].compareTo(pb[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 18 && s.chars().allMatch(Character::isDigit);
    }
}
