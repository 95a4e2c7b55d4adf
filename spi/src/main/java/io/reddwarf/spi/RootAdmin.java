package io.reddwarf.spi;

import java.util.Optional;

/** The superuser account reachable over the network. */
public interface RootAdmin {
    /** Whether network login as the superuser is enabled. */
    boolean isEnabled();

    /** Enables network login with the given password, or a generated one; returns the password. */
    Secret enable(Optional<Secret> password);

    /** Disables network login as the superuser; local-socket access for the control plane stays. */
    void disable();
}
