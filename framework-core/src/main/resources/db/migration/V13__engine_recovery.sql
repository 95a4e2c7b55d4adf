-- What the health loop did by itself to an instance's engine: started it again after it stopped
-- unexpectedly, or killed it when it stopped answering. engine_fault says so (shown while nothing
-- more serious is); engine_restarts counts the automatic starts of the current series, the last
-- at engine_restarted_at, for the back-off between them. All three are cleared once the engine
-- has answered every probe for a while, and by a restart or resize through the API.
ALTER TABLE instances ADD COLUMN engine_fault VARCHAR(1024);
ALTER TABLE instances ADD COLUMN engine_fault_at TIMESTAMP;
ALTER TABLE instances ADD COLUMN engine_restarts INT;
ALTER TABLE instances ADD COLUMN engine_restarted_at TIMESTAMP;
