-- Backups. One row per backup for its whole life; deleted rows are kept (deleted = TRUE). The
-- object in the backup store is named by object_key; checksum is the SHA-256 of its bytes,
-- wrapped_key the backup's data key wrapped by the master key key_id, metadata the strategy's
-- facts (log sequence numbers) as JSON.
CREATE TABLE backups (
    id                 VARCHAR(36)   NOT NULL PRIMARY KEY,
    project_id         VARCHAR(64)   NOT NULL,
    name               VARCHAR(255)  NOT NULL,
    description        VARCHAR(1024),
    instance_id        VARCHAR(36)   NOT NULL,
    datastore_type     VARCHAR(64)   NOT NULL,
    datastore_version  VARCHAR(64)   NOT NULL,
    engine_version     VARCHAR(64)   NOT NULL,
    volume_size        INT           NOT NULL,
    parent_id          VARCHAR(36),
    strategy           VARCHAR(64)   NOT NULL,
    state              VARCHAR(16)   NOT NULL,
    progress_bytes     BIGINT        NOT NULL,
    size_bytes         BIGINT,
    checksum           VARCHAR(64),
    object_key         VARCHAR(255),
    key_id             VARCHAR(32),
    wrapped_key        VARCHAR(255),
    metadata           TEXT,
    fail_reason        VARCHAR(1024),
    created_at         TIMESTAMP     NOT NULL,
    updated_at         TIMESTAMP     NOT NULL,
    deleted            BOOLEAN       NOT NULL,
    deleted_at         TIMESTAMP
);

CREATE INDEX backups_project ON backups (project_id, deleted);
CREATE INDEX backups_instance ON backups (instance_id);
CREATE INDEX backups_parent ON backups (parent_id);

-- The backup an instance is built from (POST /instances with restorePoint).
ALTER TABLE instances ADD COLUMN restore_backup_id VARCHAR(36);
