package io.reddwarf.core;

import io.reddwarf.core.catalog.DatastoreCatalog;
import io.reddwarf.core.catalog.FlavorCatalog;
import io.reddwarf.core.instance.InstanceService;

/**
 * The control plane's core, started once per process: state store and migrations, driver registry,
 * reconciliation of instances with what is on disk, durable workflow workers and the health loop.
 * Closing it stops the control plane's own threads; instances keep running.
 */
public final class Reddwarf implements AutoCloseable {

    /** Starts the core; returns once reconciliation is done and workers run. */
    public static Reddwarf start(CoreConfig config) {
        throw new UnsupportedOperationException("not yet");
    }

    public CoreConfig config() {
        throw new UnsupportedOperationException("not yet");
    }

    public InstanceService instances() {
        throw new UnsupportedOperationException("not yet");
    }

    public DatastoreCatalog datastores() {
        throw new UnsupportedOperationException("not yet");
    }

    public FlavorCatalog flavors() {
        throw new UnsupportedOperationException("not yet");
    }

    @Override
    public void close() {
    }
}
