package io.reddwarf.core.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.spi.DatastoreException;
import org.junit.jupiter.api.Test;

/** Which build failures move an instance to another port. */
final class PortTakenTest {

    @Test
    void anEngineThatCouldNotBindItsPortSaysAddressAlreadyInUse() {
        assertThat(InstanceWorkflows.portTaken(new DatastoreException("The mariadb server of instance x exited while"
                + " starting. Its log ends with:\n[ERROR] Can't start server: Bind on TCP/IP port. Got error: 98:"
                + " Address already in use\n"))).isTrue();
        assertThat(InstanceWorkflows.portTaken(new IllegalStateException("restore failed",
                new DatastoreException("could not start: Address already in use")))).isTrue();
    }

    @Test
    void otherFailuresDoNot() {
        assertThat(InstanceWorkflows.portTaken(new DatastoreException("The mariadb server of instance x exited while"
                + " starting. Its log ends with:\n[ERROR] InnoDB: Cannot allocate memory for the buffer pool\n")))
                .isFalse();
        assertThat(InstanceWorkflows.portTaken(new IllegalStateException((String) null))).isFalse();
    }
}
