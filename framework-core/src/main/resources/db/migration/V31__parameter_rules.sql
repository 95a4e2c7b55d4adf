-- Operators' changes to the parameter rules a driver ships: a row replaces the driver's rule of that
-- name for the datastore version (narrower bounds, restart required), or removes the parameter
-- (deleted = TRUE) so that groups cannot set it.
CREATE TABLE parameter_rules (
    datastore_type     VARCHAR(64)   NOT NULL,
    datastore_version  VARCHAR(64)   NOT NULL,
    name               VARCHAR(128)  NOT NULL,
    data_type          VARCHAR(16)   NOT NULL,
    min_size           VARCHAR(40),
    max_size           VARCHAR(40),
    restart_required   BOOLEAN       NOT NULL,
    deleted            BOOLEAN       NOT NULL,
    updated_at         TIMESTAMP     NOT NULL,
    PRIMARY KEY (datastore_type, datastore_version, name)
);
