package io.reddwarf.core.instance;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.configuration.ApplyPlan;
import java.util.List;
import java.util.Optional;

/**
 * Instances of a project. Every method takes the caller's project and treats another project's
 * instance exactly like a missing one (404), so ids of other tenants cannot be probed.
 */
public interface InstanceService {

    /**
     * Validates the request, reserves resources and records the instance in BUILD in one
     * transaction, then hands the build to a durable workflow. Returns at once.
     *
     * @throws io.reddwarf.core.ReddwarfException 400 for invalid input, 404 for an unknown flavor,
     *         datastore or version
     */
    InstanceView create(String projectId, CreateInstanceRequest request);

    /** The project's instances that are not deleted, oldest first. */
    List<InstanceView> list(String projectId);

    /** @throws io.reddwarf.core.ReddwarfException 404 if missing, deleted or another project's */
    InstanceView get(String projectId, String instanceId);

    /**
     * Starts deleting the instance. An instance in BUILD cannot be deleted (422) until its build
     * finishes or times out into ERROR; an instance in ERROR always can.
     */
    void delete(String projectId, String instanceId);

    /**
     * Restarts the engine (status REBOOT until it runs again); an engine that does not answer is
     * killed first. 422 unless no task runs and the engine runs, hangs, stopped or crashed (ACTIVE,
     * RESTART_REQUIRED, BLOCKED, SHUTDOWN, or ERROR without a failed task).
     */
    void restart(String projectId, String instanceId);

    /**
     * Changes the instance: its name and/or its configuration group. A configuration change is
     * applied by a workflow; with {@link InstanceUpdate#dryRun()} nothing changes and the plan says
     * what would happen.
     *
     * @return the plan of the configuration change, empty when the update did not mention one
     */
    default Optional<ApplyPlan> update(String projectId, String instanceId, InstanceUpdate update) {
        throw new ReddwarfException(ErrorCode.NOT_IMPLEMENTED, "Updating an instance is not implemented.");
    }

    /**
     * Administrators: instances of every project (or of {@code projectId}), oldest first; only
     * deleted ones, only live ones, or both when {@code deleted} is empty.
     */
    List<ManagedInstance> listAll(Optional<Boolean> deleted, Optional<String> projectId);

    /**
     * When instance {@code instanceId} was created, also once it is deleted (where a list paged
     * after it goes on); empty when it is not {@code projectId}'s, or, without a project, no
     * instance at all.
     */
    Optional<java.time.Instant> createdAt(Optional<String> projectId, String instanceId);

    /** Administrators: any project's instance, also a deleted one. 404 if there never was one. */
    ManagedInstance getAny(String instanceId);

    /**
     * Administrators: ends whatever the instance is doing and sets it to ERROR, so that a stuck
     * instance can be deleted.
     */
    void resetStatus(String projectId, String instanceId);

    /**
     * Grows the volume to {@code size} GB. 422 unless ACTIVE; 400 unless larger than now; 413 when
     * the project's volume quota would be exceeded (checked in the transaction that records it).
     */
    void resizeVolume(String projectId, String instanceId, int size);

    /**
     * Moves the instance to another flavor: status RESIZE while the engine's settings are rendered
     * for the new flavor and the engine restarts, then ACTIVE. 404 for an unknown flavor, 400 for the
     * current one, 422 unless ACTIVE, 413 when the project's RAM quota would be exceeded.
     */
    void resizeFlavor(String projectId, String instanceId, String flavorRef);
}
