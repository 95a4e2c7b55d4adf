package io.reddwarf.core.quota;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.db.tables.records.InstancesRecord;
import io.reddwarf.core.persistence.BackupRepository;
import io.reddwarf.core.persistence.InstanceRepository;
import io.reddwarf.core.persistence.QuotaRepository;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Quotas with limits from {@link QuotaRepository} (or the defaults), usage from the instances and
 * from the backups counted by {@link BackupRepository#countHeld}.
 */
public final class DefaultQuotaService implements QuotaService {
    private final QuotaRepository quotas;
    private final InstanceRepository instances;
    private final BackupRepository backups;
    private final FlavorCatalog flavors;

    public DefaultQuotaService(QuotaRepository quotas, InstanceRepository instances, BackupRepository backups,
            FlavorCatalog flavors) {
        this.quotas = requireNonNull(quotas, "quotas is null");
        this.instances = requireNonNull(instances, "instances is null");
        this.backups = requireNonNull(backups, "backups is null");
        this.flavors = requireNonNull(flavors, "flavors is null");
    }

    @Override
    public List<QuotaUsage> show(String projectId) {
        Map<QuotaResource, Long> usage = usage(instances.listLive(projectId));
        usage.put(QuotaResource.BACKUPS, backups.countHeld(projectId));
        Map<QuotaResource, Integer> limits = limits(projectId);
        List<QuotaUsage> result = new ArrayList<>();
        for (QuotaResource resource : QuotaResource.values()) {
            result.add(new QuotaUsage(resource, usage.get(resource), 0, limits.get(resource)));
        }
        return result;
    }

    @Override
    public Map<QuotaResource, Integer> update(String projectId, Map<String, Integer> limits) {
        if (limits.isEmpty()) {
            throw ReddwarfException.badRequest("At least one quota is required.");
        }
        for (Map.Entry<String, Integer> limit : limits.entrySet()) {
            if (QuotaResource.named(limit.getKey()).isEmpty()) {
                throw ReddwarfException.badRequest("Unknown quota resource '" + limit.getKey() + "'; known are "
                        + java.util.Arrays.stream(QuotaResource.values()).map(QuotaResource::troveName)
                                .collect(Collectors.joining(", ")) + ".");
            }
            if (limit.getValue() < -1) {
                throw ReddwarfException.badRequest("Quota limits are -1 (unlimited) or a number from 0.");
            }
        }
        quotas.set(projectId, limits);
        return limits(projectId);
    }

    @Override
    public void check(String projectId, List<InstancesRecord> live, int addInstances, int addVolumeGb, int addRamMb) {
        Map<QuotaResource, Long> usage = usage(live);
        Map<QuotaResource, Integer> limits = limits(projectId);
        Map<QuotaResource, Integer> adding = Map.of(QuotaResource.INSTANCES, addInstances, QuotaResource.VOLUMES,
                addVolumeGb, QuotaResource.RAM, addRamMb);
        List<String> over = new ArrayList<>();
        for (QuotaResource resource : QuotaResource.values()) {
            int add = adding.getOrDefault(resource, 0);
            int limit = limits.get(resource);
            if (add > 0 && limit >= 0 && usage.get(resource) + add > limit) {
                over.add("'" + resource.troveName() + "'");
            }
        }
        if (!over.isEmpty()) {
            throw new ReddwarfException(ErrorCode.OVER_LIMIT,
                    "Quota exceeded for resources: [" + String.join(", ", over) + "].");
        }
    }

    @Override
    public void checkBackup(String projectId, long held) {
        int limit = limits(projectId).get(QuotaResource.BACKUPS);
        if (limit >= 0 && held + 1 > limit) {
            throw new ReddwarfException(ErrorCode.OVER_LIMIT,
                    "Quota exceeded for resources: ['" + QuotaResource.BACKUPS.troveName() + "'].");
        }
    }

    private Map<QuotaResource, Integer> limits(String projectId) {
        Map<String, Integer> set = quotas.limits(projectId);
        Map<QuotaResource, Integer> limits = new EnumMap<>(QuotaResource.class);
        for (QuotaResource resource : QuotaResource.values()) {
            limits.put(resource, set.getOrDefault(resource.troveName(), resource.defaultLimit()));
        }
        return limits;
    }

    private Map<QuotaResource, Long> usage(List<InstancesRecord> live) {
        Map<QuotaResource, Long> usage = new EnumMap<>(QuotaResource.class);
        usage.put(QuotaResource.INSTANCES, (long) live.size());
        usage.put(QuotaResource.VOLUMES, live.stream().mapToLong(InstancesRecord::getVolumeSize).sum());
        usage.put(QuotaResource.RAM, live.stream().mapToLong(this::ramOf).sum());
        return usage;
    }

    private long ramOf(InstancesRecord row) {
        try {
            return flavors.get(row.getFlavorId()).ramMb();
        } catch (ReddwarfException flavorNoLongerOffered) {
            return 0;
        }
    }
}
