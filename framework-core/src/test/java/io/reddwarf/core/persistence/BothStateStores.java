package io.reddwarf.core.persistence;

import io.reddwarf.core.CoreConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * What repository tests need to run on both supported kinds of state store: embedded H2 and a real
 * MariaDB started for the test class. A test names the store ({@code "h2"} or {@code "mariadb"}),
 * typically from a {@code @ValueSource}.
 */
abstract class BothStateStores {
    @TempDir
    static Path dir;
    static ScratchMariaDb mariadb;

    @BeforeAll
    static void startMariaDb() throws Exception {
        mariadb = ScratchMariaDb.start(dir.resolve("mariadb"));
    }

    @AfterAll
    static void stopMariaDb() {
        if (mariadb != null) {
            mariadb.close();
            mariadb = null;
        }
    }

    /** A fresh state store of the kind named, each name with a home of its own. */
    static Database open(String store) {
        CoreConfig config = CoreConfig.load(dir.resolve(store + "-home"));
        if (store.equals("mariadb")) {
            config = config.withJdbc(mariadb.url("reddwarf"), "root", "");
        }
        return Database.open(config);
    }
}
