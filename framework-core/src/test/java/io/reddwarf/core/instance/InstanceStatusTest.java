package io.reddwarf.core.instance;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.core.instance.InstanceStatus.Health;
import io.reddwarf.core.instance.InstanceStatus.Task;
import org.junit.jupiter.api.Test;

final class InstanceStatusTest {
    @Test
    void failedTaskWinsThenRunningTaskThenHealth() {
        for (Health h : Health.values()) {
            assertThat(InstanceStatus.of(Task.FAILED, h)).isEqualTo(InstanceStatus.ERROR);
            assertThat(InstanceStatus.of(Task.BUILDING, h)).isEqualTo(InstanceStatus.BUILD);
            assertThat(InstanceStatus.of(Task.RESTARTING, h)).isEqualTo(InstanceStatus.REBOOT);
            assertThat(InstanceStatus.of(Task.DELETING, h)).isEqualTo(InstanceStatus.SHUTDOWN);
        }
        assertThat(InstanceStatus.of(Task.NONE, Health.RUNNING)).isEqualTo(InstanceStatus.ACTIVE);
        assertThat(InstanceStatus.of(Task.NONE, Health.CRASHED)).isEqualTo(InstanceStatus.ERROR);
        assertThat(InstanceStatus.of(Task.NONE, Health.SHUTDOWN)).isEqualTo(InstanceStatus.SHUTDOWN);
        assertThat(InstanceStatus.of(Task.NONE, Health.UNKNOWN)).isEqualTo(InstanceStatus.BLOCKED);
    }

    /** As Trove's guest agent reports a database whose process runs but does not answer a ping. */
    @Test
    void anEngineWhoseProcessRunsButDoesNotAnswerIsBlocked() {
        assertThat(InstanceStatus.of(Task.NONE, Health.UNRESPONSIVE)).isEqualTo(InstanceStatus.BLOCKED);
        assertThat(InstanceStatus.of(Task.RESTARTING, Health.UNRESPONSIVE)).isEqualTo(InstanceStatus.REBOOT);
    }
}
