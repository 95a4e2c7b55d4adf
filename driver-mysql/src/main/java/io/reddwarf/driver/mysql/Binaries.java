package io.reddwarf.driver.mysql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds engine binaries: in the directory named by the engine's system property (e.g.
 * {@value #BIN_DIR_PROPERTY}) if set, otherwise on {@code PATH}, then in {@code /usr/sbin} and
 * {@code /usr/bin}.
 */
final class Binaries {
    static final String BIN_DIR_PROPERTY = "reddwarf.mariadb.bin-dir";

    private final List<Path> searchPath;

    private Binaries(List<Path> searchPath) {
        this.searchPath = List.copyOf(searchPath);
    }

    static Binaries fromEnvironment() {
        return fromEnvironment(BIN_DIR_PROPERTY);
    }

    static Binaries fromEnvironment(String binDirProperty) {
        List<Path> dirs = new ArrayList<>();
        String override = System.getProperty(binDirProperty);
        if (override != null && !override.isBlank()) {
            dirs.add(Path.of(override));
        } else {
            String path = System.getenv("PATH");
            if (path != null) {
                for (String dir : path.split(":")) {
                    if (!dir.isEmpty()) {
                        dirs.add(Path.of(dir));
                    }
                }
            }
            dirs.add(Path.of("/usr/sbin"));
            dirs.add(Path.of("/usr/bin"));
        }
        return new Binaries(dirs);
    }

    static Binaries in(List<Path> dirs) {
        return new Binaries(dirs);
    }

    Optional<Path> find(String name) {
        for (Path dir : searchPath) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    Path require(String name) {
        return find(name).orElseThrow(() -> new io.reddwarf.spi.DatastoreException(
                "The program '" + name + "' was not found; install the engine's server package."));
    }

    static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
