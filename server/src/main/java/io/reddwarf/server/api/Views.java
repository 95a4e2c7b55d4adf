package io.reddwarf.server.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.reddwarf.core.backup.BackupView;
import io.reddwarf.core.catalog.DatastoreCatalog.DatastoreInfo;
import io.reddwarf.core.catalog.DatastoreCatalog.VersionInfo;
import io.reddwarf.core.instance.InstanceView;
import io.reddwarf.spi.Flavor;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The JSON documents of the API, field for field as Trove v1.0 renders them. Null fields are left
 * out of the output.
 */
final class Views {
    static final String REGION = "RegionOne";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);

    private Views() {
    }

    static String time(Instant instant) {
        return TIME.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    record Link(String href, String rel) {
    }

    record ApiVersion(String id, String status, String updated, List<Link> links) {
    }

    record FlavorJson(
            Object id,
            @JsonProperty("str_id") String strId,
            String name,
            int ram,
            int vcpus,
            int disk,
            int ephemeral,
            List<Link> links) {

        /** Trove shows numeric flavor ids as numbers and always adds the id as a string. */
        static FlavorJson of(Flavor flavor, Links links) {
            Object id = flavor.id().matches("[0-9]{1,9}") ? (Object) Integer.valueOf(flavor.id()) : flavor.id();
            return new FlavorJson(id, flavor.id(), flavor.name(), flavor.ramMb(), flavor.vcpus(), flavor.diskGb(), 0,
                    links.of("flavors/" + flavor.id()));
        }
    }

    record DatastoreVersionJson(
            String id,
            String name,
            String datastore,
            String version,
            Boolean active,
            List<Link> links) {

        static DatastoreVersionJson of(VersionInfo v, Links links) {
            return new DatastoreVersionJson(v.id(), v.name(), v.datastoreId(), v.engineVersion(), v.active(),
                    links.of("datastores/versions/" + v.id()));
        }
    }

    record DatastoreJson(
            String id,
            String name,
            @JsonProperty("default_version") String defaultVersion,
            List<DatastoreVersionJson> versions,
            List<Link> links) {

        static DatastoreJson of(DatastoreInfo d, Links links) {
            return new DatastoreJson(d.id(), d.name(), d.defaultVersionId(),
                    d.versions().stream().map(v -> DatastoreVersionJson.of(v, links)).toList(),
                    links.of("datastores/" + d.id()));
        }
    }

    record DatastoreRef(String type, String version) {
    }

    /** A backup's datastore as Trove shows it, with the version's id. */
    record BackupDatastoreRef(String type, String version, @JsonProperty("version_id") String versionId) {
        static BackupDatastoreRef of(String type, String version) {
            return new BackupDatastoreRef(type, version,
                    io.reddwarf.core.catalog.RegistryDatastoreCatalog.versionId(type, version));
        }
    }

    record FlavorRef(String id, List<Link> links) {
    }

    record Volume(int size) {
    }

    record Address(String address, String type) {
    }

    record Fault(String message, String created) {
    }

    /** The instance's configuration group, as Trove links it. */
    record ConfigurationRef(String id, List<Link> links) {
    }

    record InstanceJson(
            String id,
            String name,
            String status,
            String created,
            String updated,
            DatastoreRef datastore,
            FlavorRef flavor,
            Volume volume,
            List<String> ip,
            List<Address> addresses,
            Integer port,
            String region,
            @JsonProperty("tenant_id") String tenantId,
            Fault fault,
            ConfigurationRef configuration,
            List<Link> links) {

        static InstanceJson of(InstanceView i, Links links) {
            List<String> ip = i.host().map(List::of).orElse(List.of());
            return new InstanceJson(
                    i.id(),
                    i.name(),
                    i.status().name(),
                    time(i.created()),
                    time(i.updated()),
                    new DatastoreRef(i.datastoreType(), i.datastoreVersion()),
                    new FlavorRef(i.flavorId(), links.of("flavors/" + i.flavorId())),
                    new Volume(i.volumeSize()),
                    ip,
                    ip.stream().map(a -> new Address(a, "private")).toList(),
                    i.port().orElse(null),
                    REGION,
                    i.projectId(),
                    i.fault().map(f -> new Fault(f.message(), time(f.created()))).orElse(null),
                    i.configurationId().map(c -> new ConfigurationRef(c, links.of("configurations/" + c))).orElse(null),
                    links.of("instances/" + i.id()));
        }
    }

    /** A backup as Trove shows it; size in GB, as Trove reports it, plus the exact bytes and checksum. */
    record BackupJson(
            String id,
            String name,
            String description,
            String status,
            @JsonProperty("instance_id") String instanceId,
            @JsonProperty("parent_id") String parentId,
            @JsonProperty("project_id") String projectId,
            String locationRef,
            Double size,
            @JsonProperty("size_bytes") Long sizeBytes,
            @JsonProperty("progress_bytes") long progressBytes,
            String checksum,
            String strategy,
            @JsonProperty("fail_reason") String failReason,
            BackupDatastoreRef datastore,
            String created,
            String updated) {

        static BackupJson of(BackupView b) {
            return new BackupJson(
                    b.id(),
                    b.name(),
                    b.description().orElse(null),
                    b.state().name(),
                    b.instanceId(),
                    b.parentId().orElse(null),
                    b.projectId(),
                    b.locationRef().orElse(null),
                    b.sizeBytes().map(bytes -> bytes / (1024.0 * 1024 * 1024)).orElse(null),
                    b.sizeBytes().orElse(null),
                    b.progressBytes(),
                    b.checksum().orElse(null),
                    b.strategy(),
                    b.failReason().orElse(null),
                    BackupDatastoreRef.of(b.datastoreType(), b.datastoreVersion()),
                    time(b.created()),
                    time(b.updated()));
        }
    }
    /** The instance document with the management fields {@code deleted} and {@code deleted_at}. */
    static com.fasterxml.jackson.databind.node.ObjectNode managed(io.reddwarf.core.instance.ManagedInstance m,
            jakarta.ws.rs.core.UriInfo uriInfo) {
        com.fasterxml.jackson.databind.node.ObjectNode node = Json.mapper().valueToTree(
                InstanceJson.of(m.instance(), new Links(uriInfo, m.instance().projectId())));
        node.put("deleted", m.deleted());
        m.deletedAt().ifPresent(at -> node.put("deleted_at", time(at)));
        return node;
    }

    record DatabaseJson(String name) {
        static DatabaseJson of(io.reddwarf.spi.DatabaseSpec database) {
            return new DatabaseJson(database.name());
        }

        static DatabaseJson named(String name) {
            return new DatabaseJson(name);
        }
    }

    record UserJson(String name, String host, List<DatabaseJson> databases) {
        static UserJson of(io.reddwarf.spi.UserAdmin.User user) {
            return new UserJson(user.name(), user.host(), user.databases().stream().map(DatabaseJson::named).toList());
        }
    }

    /** Trove's management view of the superuser: the latest enablement, "Never"/"Nobody" if none. */
    record RootHistoryJson(String id, String enabled, String user, List<RootEventJson> history) {
        static RootHistoryJson of(String instanceId, List<io.reddwarf.core.account.RootEvent> events) {
            List<RootEventJson> history = events.stream()
                    .map(e -> new RootEventJson(time(e.enabledAt()), e.enabledBy())).toList();
            return history.isEmpty()
                    ? new RootHistoryJson(instanceId, "Never", "Nobody", history)
                    : new RootHistoryJson(instanceId, history.getLast().enabled(), history.getLast().user(), history);
        }
    }

    record RootEventJson(String enabled, String user) {
    }

    record QuotaJson(String resource, @JsonProperty("in_use") long inUse, long reserved, int limit) {
        static QuotaJson of(io.reddwarf.core.quota.QuotaUsage usage) {
            return new QuotaJson(usage.resource().troveName(), usage.inUse(), usage.reserved(), usage.limit());
        }
    }

    record RateLimitJson(String verb, String uri, String regex, int value, int remaining, String unit,
            String nextAvailable) {
    }
}
