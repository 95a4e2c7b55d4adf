-- Instances. One row per instance for its whole life; deleted rows are kept (deleted = TRUE) for
-- the admin history. Status shown to users is derived from task + health (see InstanceStatus).
CREATE TABLE instances (
    id                 VARCHAR(36)   NOT NULL PRIMARY KEY,
    project_id         VARCHAR(64)   NOT NULL,
    name               VARCHAR(255)  NOT NULL,
    datastore_type     VARCHAR(64)   NOT NULL,
    datastore_version  VARCHAR(64)   NOT NULL,
    flavor_id          VARCHAR(64)   NOT NULL,
    volume_size        INT           NOT NULL,
    task               VARCHAR(32)   NOT NULL,
    health             VARCHAR(32)   NOT NULL,
    step               VARCHAR(32)   NOT NULL,
    host               VARCHAR(255),
    port               INT,
    build_request      TEXT,
    fault_message      VARCHAR(1024),
    fault_at           TIMESTAMP,
    created_at         TIMESTAMP     NOT NULL,
    updated_at         TIMESTAMP     NOT NULL,
    deleted            BOOLEAN       NOT NULL,
    deleted_at         TIMESTAMP
);

CREATE INDEX instances_project ON instances (project_id, deleted);
CREATE UNIQUE INDEX instances_port ON instances (port);

-- Durable workflow executions (db-scheduler's table layout).
CREATE TABLE scheduled_tasks (
    task_name             VARCHAR(100)  NOT NULL,
    task_instance         VARCHAR(100)  NOT NULL,
    task_data             BLOB,
    execution_time        TIMESTAMP(6)  NOT NULL,
    picked                BOOLEAN       NOT NULL,
    picked_by             VARCHAR(50),
    last_success          TIMESTAMP(6),
    last_failure          TIMESTAMP(6),
    consecutive_failures  INT,
    last_heartbeat        TIMESTAMP(6),
    version               BIGINT        NOT NULL,
    priority              SMALLINT,
    PRIMARY KEY (task_name, task_instance)
);

CREATE INDEX scheduled_tasks_execution_time ON scheduled_tasks (execution_time);
CREATE INDEX scheduled_tasks_last_heartbeat ON scheduled_tasks (last_heartbeat);
