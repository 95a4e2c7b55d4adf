package io.reddwarf.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may read the control plane's files. Java cannot set the process's umask, so the modes are
 * set at start on what exists: the home and {@code instances/} 0711 (other users may pass through
 * to an instance's directory but not list them); {@code state/}, {@code templates/} and the backup
 * store 0700, with every directory below them 0700 and every file 0600 ({@code templates/} only
 * itself: the drivers own what is inside); {@code reddwarf.properties} 0600, as it may hold the
 * state store's password. Code that creates files there later creates them with these modes.
 */
public final class HomePermissions {
    private static final Logger LOG = LoggerFactory.getLogger(HomePermissions.class);

    public static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> OWNER_ONLY_DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> TRAVERSABLE_DIRECTORY = PosixFilePermissions.fromString("rwx--x--x");

    private HomePermissions() {
    }

    /** Creates the home's directories that are missing and sets the modes above. */
    public static void apply(CoreConfig config) {
        Path home = config.home();
        try {
            for (Path dir : List.of(home, home.resolve("instances"), home.resolve("state"), home.resolve("templates"),
                    config.backupsDir())) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home, e);
        }
        set(home, TRAVERSABLE_DIRECTORY);
        set(home.resolve("instances"), TRAVERSABLE_DIRECTORY);
        set(home.resolve("templates"), OWNER_ONLY_DIRECTORY);
        ownerOnlyTree(home.resolve("state"));
        ownerOnlyTree(config.backupsDir());
        if (Files.isDirectory(home.resolve("agent"))) {
            ownerOnlyTree(home.resolve("agent"));
        }
        ownerOnlyFile(home.resolve(CoreConfig.FILE_NAME));
    }

    /** Makes {@code file} 0600 if it exists. */
    public static void ownerOnlyFile(Path file) {
        if (Files.isRegularFile(file)) {
            set(file, OWNER_ONLY_FILE);
        }
    }

    /** {@code root} and every directory below it 0700, every file 0600; symbolic links are left alone. */
    private static void ownerOnlyTree(Path root) {
        try (Stream<Path> paths = Files.walk(root.toRealPath())) {
            for (Path path : paths.toList()) {
                if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    set(path, OWNER_ONLY_DIRECTORY);
                } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                    set(path, OWNER_ONLY_FILE);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Could not restrict the permissions below {}: {}", root, e.getMessage());
        }
    }

    private static void set(Path path, Set<PosixFilePermission> mode) {
        try {
            if (!Files.getPosixFilePermissions(path).equals(mode)) {
                Files.setPosixFilePermissions(path, mode);
            }
        } catch (NoSuchFileException gone) {
            // removed meanwhile: nothing to protect
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Could not set the permissions of {} to {}: {}", path, PosixFilePermissions.toString(mode),
                    e.toString());
        }
    }
}
