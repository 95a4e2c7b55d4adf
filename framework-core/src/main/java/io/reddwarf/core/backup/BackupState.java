package io.reddwarf.core.backup;

/** Where a backup is: recorded, the tool running, the stored object being verified, done or failed. */
public enum BackupState {
    NEW, BUILDING, SAVING, COMPLETED, FAILED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED;
    }
}
