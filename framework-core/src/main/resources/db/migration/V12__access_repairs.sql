-- The last time the control plane found its own access to an engine broken from inside the
-- instance (e.g. its account dropped by the tenant's root) and restored it; shown as the
-- instance's fault while nothing more serious is.
ALTER TABLE instances ADD COLUMN access_fault VARCHAR(1024);
ALTER TABLE instances ADD COLUMN access_fault_at TIMESTAMP;
