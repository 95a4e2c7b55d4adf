-- Where and how a project's backups are taken (/backup_strategies). One row per project
-- (instance_id = '') and per instance; the instance's row wins over the project's. container is
-- the top-level directory of the backup store the backups are written to, strategy the name of the
-- backup tool; either may be NULL, which leaves the choice to the next level.
CREATE TABLE backup_strategies (
    project_id   VARCHAR(64)   NOT NULL,
    instance_id  VARCHAR(36)   NOT NULL,
    container    VARCHAR(255),
    strategy     VARCHAR(64),
    created_at   TIMESTAMP     NOT NULL,
    updated_at   TIMESTAMP     NOT NULL,
    PRIMARY KEY (project_id, instance_id)
);
