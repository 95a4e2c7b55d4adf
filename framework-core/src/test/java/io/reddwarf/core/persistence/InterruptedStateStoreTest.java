package io.reddwarf.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.core.CoreConfig;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread interrupted in the middle of the embedded store's file I/O (a workflow stopped at
 * shutdown, a caller that gave up waiting) must not close the store under everyone else.
 */
final class InterruptedStateStoreTest {
    @TempDir
    Path dir;

    @Test
    void interruptingAWriterLeavesTheStoreOpenForEveryoneElse() throws Exception {
        try (Database db = Database.open(CoreConfig.load(dir.resolve("home")))) {
            db.dsl().execute("CREATE TABLE scratch (id INT PRIMARY KEY, payload VARCHAR(4000))");
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            String payload = "x".repeat(3000);
            Thread writer = Thread.ofPlatform().start(() -> {
                int id = 0;
                while (running.get()) {
                    try {
                        db.dsl().insertInto(DSL.table("scratch"), DSL.field("id"), DSL.field("payload"))
                                .values(id++, payload).execute();
                        written.incrementAndGet();
                    } catch (RuntimeException e) {
                        // this thread's own statement may fail when interrupted; the store must not
                    }
                    Thread.interrupted();
                }
            });
            // interrupt it often, while it commits (each commit is forced to disk)
            for (int i = 0; i < 300; i++) {
                writer.interrupt();
                Thread.sleep(2);
            }
            running.set(false);
            writer.join(10_000);

            assertThat(written.get()).as("rows the writer committed").isPositive();
            assertThat(db.dsl().fetchCount(DSL.table("scratch"))).as("the store still answers another connection")
                    .isPositive();
            db.dsl().insertInto(DSL.table("scratch"), DSL.field("id"), DSL.field("payload")).values(-1, "after").execute();
        }
    }
}
