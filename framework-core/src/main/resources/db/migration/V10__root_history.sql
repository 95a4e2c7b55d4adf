-- Every time the superuser of an instance was enabled through the API: by whom and when.
CREATE TABLE root_history (
    id           VARCHAR(36)   NOT NULL PRIMARY KEY,
    instance_id  VARCHAR(36)   NOT NULL,
    enabled_by   VARCHAR(64)   NOT NULL,
    enabled_at   TIMESTAMP     NOT NULL
);

CREATE INDEX root_history_instance ON root_history (instance_id, enabled_at);
