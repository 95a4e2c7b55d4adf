-- Commands are delivered oldest first. created_at keeps whole seconds on MariaDB and MySQL, where
-- commands queued within one second came out in the order of their (random) ids; queued_at keeps
-- microseconds. Rows queued before this column existed have none and sort first.
ALTER TABLE agent_commands ADD COLUMN queued_at TIMESTAMP(6);
