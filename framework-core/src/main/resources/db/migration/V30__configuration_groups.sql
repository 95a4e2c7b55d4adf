-- Configuration groups: named sets of engine parameter values of one datastore version, owned by a
-- project. Deleted groups are kept (deleted = TRUE) like instances.
CREATE TABLE configurations (
    id                 VARCHAR(36)   NOT NULL PRIMARY KEY,
    project_id         VARCHAR(64)   NOT NULL,
    name               VARCHAR(255)  NOT NULL,
    description        VARCHAR(1024),
    datastore_type     VARCHAR(64)   NOT NULL,
    datastore_version  VARCHAR(64)   NOT NULL,
    created_at         TIMESTAMP     NOT NULL,
    updated_at         TIMESTAMP     NOT NULL,
    deleted            BOOLEAN       NOT NULL,
    deleted_at         TIMESTAMP
);

CREATE INDEX configurations_project ON configurations (project_id, deleted);

-- The values of a group, one row per parameter; values are text (64-bit unsigned bounds are exact).
CREATE TABLE configuration_values (
    configuration_id   VARCHAR(36)   NOT NULL,
    param_name         VARCHAR(128)  NOT NULL,
    param_value        VARCHAR(4096) NOT NULL,
    PRIMARY KEY (configuration_id, param_name)
);

-- An instance's group, and the progress of applying it: config_seq counts changes asked for,
-- config_applied_seq the last one applied; restart_required is set while applied values wait for a
-- restart; config_fault holds why the last apply failed (shown as the instance's fault).
ALTER TABLE instances ADD COLUMN configuration_id VARCHAR(36);
ALTER TABLE instances ADD COLUMN config_seq INT DEFAULT 0 NOT NULL;
ALTER TABLE instances ADD COLUMN config_applied_seq INT DEFAULT 0 NOT NULL;
ALTER TABLE instances ADD COLUMN config_applied TEXT;
ALTER TABLE instances ADD COLUMN restart_required BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE instances ADD COLUMN config_fault VARCHAR(1024);
ALTER TABLE instances ADD COLUMN config_fault_at TIMESTAMP;

CREATE INDEX instances_configuration ON instances (configuration_id);
