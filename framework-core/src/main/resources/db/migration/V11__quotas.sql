-- Per-project quota limits set by administrators; resources without a row use the defaults.
CREATE TABLE quotas (
    project_id   VARCHAR(64)  NOT NULL,
    resource     VARCHAR(32)  NOT NULL,
    hard_limit   INT          NOT NULL,
    PRIMARY KEY (project_id, resource)
);

-- One row per project, locked (SELECT ... FOR UPDATE) by every transaction that checks the
-- project's quota and adds to its usage, so that two concurrent creates cannot both pass the check.
CREATE TABLE project_locks (
    project_id   VARCHAR(64)  NOT NULL PRIMARY KEY
);
