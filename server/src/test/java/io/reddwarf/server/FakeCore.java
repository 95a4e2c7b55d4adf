package io.reddwarf.server;

import io.reddwarf.core.CoreConfig;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.catalog.DatastoreCatalog;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.instance.CreateInstanceRequest;
import io.reddwarf.core.instance.InstanceService;
import io.reddwarf.core.instance.InstanceStatus;
import io.reddwarf.core.instance.InstanceView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An in-memory stand-in for the core, for tests of the HTTP layer alone: it records what the API
 * asked for and answers like the core's contract says (404 for other projects' instances, 404 for
 * unknown flavors and datastores).
 */
final class FakeCore implements InstanceService, DatastoreCatalog {
    static final String MARIADB_ID = "8a0d2a43-6f7c-5b5e-9d1e-2b0e3c1f4a11";
    static final String MARIADB_1011_ID = "1c5e7c39-2d0a-5d36-8b5e-4f3f2a9c0d22";

    final List<CreateInstanceRequest> created = new CopyOnWriteArrayList<>();
    final List<String> restarted = new CopyOnWriteArrayList<>();
    final Map<String, InstanceView> instances = new ConcurrentHashMap<>();
    volatile RuntimeException nextFailure;

    final FlavorCatalog flavors = new FlavorCatalog(CoreConfig.defaultFlavors());

    CoreServices services() {
        return new CoreServices(this, this, flavors, unused(io.reddwarf.core.account.AccountService.class),
                unused(io.reddwarf.core.quota.QuotaService.class));
    }

    /** Services the HTTP-only tests do not use: every call fails loudly. */
    private static <T> T unused(Class<T> type) {
        return type.cast(java.lang.reflect.Proxy.newProxyInstance(FakeCore.class.getClassLoader(),
                new Class<?>[] {type}, (proxy, method, args) -> {
                    throw new UnsupportedOperationException(method.getName());
                }));
    }

    private final VersionInfo v1011 = new VersionInfo(MARIADB_1011_ID, "10.11", MARIADB_ID, "mariadb", "10.11.14", true);
    private final DatastoreInfo mariadb = new DatastoreInfo(MARIADB_ID, "mariadb", MARIADB_1011_ID, List.of(v1011));

    private void failIfAsked() {
        RuntimeException failure = nextFailure;
        if (failure != null) {
            nextFailure = null;
            throw failure;
        }
    }

    @Override
    public InstanceView create(String projectId, CreateInstanceRequest request) {
        failIfAsked();
        flavors.get(request.flavorRef());
        String type = request.datastoreType().orElse("mariadb");
        version(type, request.datastoreVersion().orElse("10.11"));
        created.add(request);
        Instant now = Instant.parse("2026-01-02T03:04:05.678Z");
        InstanceView view = new InstanceView(UUID.randomUUID().toString(), projectId, request.name(),
                InstanceStatus.BUILD, type, "10.11", request.flavorRef(), request.volumeSize(), Optional.empty(),
                Optional.empty(), now, now, Optional.empty());
        instances.put(view.id(), view);
        return view;
    }

    @Override
    public List<InstanceView> list(String projectId) {
        failIfAsked();
        return new ArrayList<>(instances.values().stream().filter(i -> i.projectId().equals(projectId)).toList());
    }

    @Override
    public InstanceView get(String projectId, String instanceId) {
        failIfAsked();
        InstanceView view = instances.get(instanceId);
        if (view == null || !view.projectId().equals(projectId)) {
            throw ReddwarfException.notFound("Instance " + instanceId + " could not be found.");
        }
        return view;
    }

    @Override
    public void delete(String projectId, String instanceId) {
        get(projectId, instanceId);
        instances.remove(instanceId);
    }

    @Override
    public void restart(String projectId, String instanceId) {
        get(projectId, instanceId);
        restarted.add(instanceId);
    }

    @Override
    public List<io.reddwarf.core.instance.ManagedInstance> listAll(Optional<Boolean> deleted,
            Optional<String> projectId) {
        return instances.values().stream()
                .filter(i -> projectId.map(p -> p.equals(i.projectId())).orElse(true))
                .map(i -> new io.reddwarf.core.instance.ManagedInstance(i, false, Optional.empty()))
                .filter(m -> deleted.map(d -> d == m.deleted()).orElse(true))
                .toList();
    }

    @Override
    public io.reddwarf.core.instance.ManagedInstance getAny(String instanceId) {
        InstanceView view = instances.get(instanceId);
        if (view == null) {
            throw ReddwarfException.notFound("Resource " + instanceId + " cannot be found.");
        }
        return new io.reddwarf.core.instance.ManagedInstance(view, false, Optional.empty());
    }

    @Override
    public List<DatastoreInfo> list() {
        return List.of(mariadb);
    }

    @Override
    public DatastoreInfo get(String nameOrId) {
        if (nameOrId.equals("mariadb") || nameOrId.equals(MARIADB_ID)) {
            return mariadb;
        }
        throw ReddwarfException.notFound("Datastore '" + nameOrId + "' cannot be found.");
    }

    @Override
    public VersionInfo version(String datastoreNameOrId, String versionNameOrId) {
        get(datastoreNameOrId);
        if (versionNameOrId.equals("10.11") || versionNameOrId.equals(MARIADB_1011_ID)) {
            return v1011;
        }
        throw ReddwarfException.notFound("Datastore version '" + versionNameOrId + "' cannot be found.");
    }
}
