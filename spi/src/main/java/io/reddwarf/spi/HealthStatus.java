package io.reddwarf.spi;

/**
 * The engine's health as a driver observes it. The control plane combines it with its own task
 * state to produce the status users see.
 */
public enum HealthStatus {
    /** The engine accepts connections and answers queries. */
    RUNNING,
    /** The process exists but does not answer yet (starting up, recovering). */
    STARTING,
    /** No process: stopped on purpose. */
    SHUTDOWN,
    /** No process, although none was stopped on purpose, or the process answers with errors. */
    CRASHED,
    /** The state could not be determined. */
    UNKNOWN
}
