package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.core.CoreConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The control plane's files are its own, whatever the umask: every file it creates is 0600, every
 * directory 0700, except the home and {@code instances/}, which other users may pass through but
 * not list (0711). A home left more open by an older version is tightened at start.
 */
final class HomePermissionsTest {
    private static final String PORTS = "instances.port-range=36770-36779\n";

    @Test
    void everythingAFreshServerCreatesIsForItsOwnerOnly() throws Exception {
        Path home = LiveServer.shortHome("perm");
        try (ReddwarfServer server = start(home)) {
            assertThat(modes(home)).isEqualTo(expectedModes(home));
        }
        Map<String, String> modes = modes(home);
        assertThat(modes).isEqualTo(expectedModes(home));
        assertThat(modes).containsEntry("", "rwx--x--x")
                .containsEntry("instances", "rwx--x--x")
                .containsEntry("state", "rwx------")
                .containsEntry("state/reddwarf.mv.db", "rw-------")
                .containsEntry("state/master.key", "rw-------")
                .containsEntry("state/backup-master.key", "rw-------")
                .containsEntry("templates", "rwx------")
                .containsEntry("backups", "rwx------")
                .containsEntry("backups/.partial", "rwx------")
                .containsEntry("auth.properties", "rw-------")
                .containsEntry("clouds.yaml", "rw-------");
    }

    @Test
    void aHomeLeftOpenIsTightenedAtStart() throws Exception {
        Path home = LiveServer.shortHome("popen");
        Files.writeString(home.resolve(CoreConfig.FILE_NAME), PORTS);
        start(home).close();
        Files.createDirectories(home.resolve("backups").resolve("shop"));
        Files.writeString(home.resolve("backups").resolve("shop").resolve("b1.rdwb"), "sealed");
        Files.writeString(home.resolve("state").resolve("reddwarf.trace.db"), "an old trace");
        try (Stream<Path> paths = Files.walk(home)) {
            for (Path path : paths.toList()) {
                Files.setPosixFilePermissions(path,
                        PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }

        try (ReddwarfServer server = start(home)) {
            Map<String, String> modes = modes(home);
            assertThat(modes).isEqualTo(expectedModes(home));
            assertThat(modes).containsEntry("", "rwx--x--x")
                    .containsEntry("reddwarf.properties", "rw-------")
                    .containsEntry("auth.properties", "rw-------")
                    .containsEntry("state/reddwarf.mv.db", "rw-------")
                    .containsEntry("state/reddwarf.trace.db", "rw-------")
                    .containsEntry("backups/shop", "rwx------")
                    .containsEntry("backups/shop/b1.rdwb", "rw-------");
        }
    }

    private static ReddwarfServer start(Path home) throws IOException {
        if (!Files.exists(home.resolve(CoreConfig.FILE_NAME))) {
            Path properties = Files.writeString(home.resolve(CoreConfig.FILE_NAME), PORTS);
            Files.setPosixFilePermissions(properties, PosixFilePermissions.fromString("rw-r--r--"));
        }
        return ReddwarfServer.start(new ServerOptions(0, "127.0.0.1", home));
    }

    /** Every path below {@code home} (relative, "" for the home) with its mode, e.g. {@code rw-------}. */
    private static Map<String, String> modes(Path home) throws IOException {
        Map<String, String> modes = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(home)) {
            for (Path path : paths.toList()) {
                modes.put(home.relativize(path).toString(),
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS)));
            }
        }
        return modes;
    }

    /** The same paths with the modes they must have. */
    private static Map<String, String> expectedModes(Path home) throws IOException {
        Map<String, String> expected = new TreeMap<>();
        for (String path : modes(home).keySet()) {
            boolean directory = Files.isDirectory(home.resolve(path), LinkOption.NOFOLLOW_LINKS);
            // ca.pem: the certificate authority's certificate, public so that any local client can verify instances
            expected.put(path, path.isEmpty() || path.equals("instances") ? "rwx--x--x"
                    : path.equals("ca.pem") ? "rw-r--r--" : directory ? "rwx------" : "rw-------");
        }
        return expected;
    }
}
