-- Guest agents (docs/agent-protocol.md). An agent authenticates with a client certificate the
-- deployment's CA issued to it: its common name is the agent's id and its serial must be the one
-- recorded here; a revoked agent is refused whatever certificate it shows.
CREATE TABLE agents (
    id                  VARCHAR(36)   NOT NULL PRIMARY KEY,
    name                VARCHAR(64)   NOT NULL,
    certificate_serial  VARCHAR(40)   NOT NULL,
    created_at          TIMESTAMP     NOT NULL,
    revoked_at          TIMESTAMP,
    last_heartbeat_at   TIMESTAMP,
    agent_version       VARCHAR(64),
    CONSTRAINT agents_name UNIQUE (name)
);

-- Commands for agents. The id is the command's for good: an agent applies a command once and
-- answers a repeated delivery with its recorded result. state: PENDING until a result is recorded
-- (DONE); delivered_at says when an agent last took it.
CREATE TABLE agent_commands (
    id            VARCHAR(128)  NOT NULL PRIMARY KEY,
    agent_id      VARCHAR(36)   NOT NULL,
    instance_id   VARCHAR(36),
    operation     VARCHAR(64)   NOT NULL,
    arguments     TEXT          NOT NULL,
    state         VARCHAR(16)   NOT NULL,
    result        TEXT,
    created_at    TIMESTAMP     NOT NULL,
    delivered_at  TIMESTAMP,
    completed_at  TIMESTAMP
);
CREATE INDEX agent_commands_pending ON agent_commands (agent_id, state, created_at);
