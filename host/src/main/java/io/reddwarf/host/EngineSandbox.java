package io.reddwarf.host;

import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatastoreException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confines an instance's daemons when the control plane runs as root. Each instance has an
 * unprivileged identity of its own ({@link Identity}: uid and gid {@value #ID_BASE} + its port, with
 * no account in {@code /etc/passwd}); the identity owns the instance's data, log and run directories
 * and may read the configuration files its daemon names, nothing else of the control plane's. The
 * daemon runs in a <a href="https://github.com/containers/bubblewrap">bubblewrap</a> sandbox: its
 * own mount, pid, IPC and UTS namespaces, in which the system's programs and libraries are
 * read-only, {@code /tmp} is private, and of the host's other directories only the instance's home
 * exists. {@code setpriv} drops to the identity with no capabilities and {@code no_new_privs} before
 * the engine executes. Why both: the distinct uid protects other instances and the control plane
 * even where a file is readable by "others"; the sandbox removes world-readable and world-writable
 * places ({@code /tmp}, other users' files) from the engine's view.
 */
public final class EngineSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(EngineSandbox.class);
    /** The first uid and gid of instance identities: an instance's are this plus its port. */
    public static final int ID_BASE = 2_000_000;
    static final Path BWRAP = Path.of("/usr/bin/bwrap");
    static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    /** System directories the engine sees read-only when they exist (as directories or symbolic links). */
    private static final List<String> SYSTEM_DIRS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");
    /** The few files of /etc that programs and the dynamic linker read; nothing else of /etc is shown. */
    private static final List<String> ETC_FILES = List.of("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
            "/etc/localtime", "/etc/passwd", "/etc/group", "/etc/nsswitch.conf", "/etc/hosts", "/etc/alternatives",
            "/etc/ssl/certs", "/etc/ssl/openssl.cnf");
    /** Environment variables passed into the sandbox; the control plane's other variables are not. */
    private static final List<String> KEPT_ENVIRONMENT = List.of("PATH", "LANG", "LC_ALL", "TZ");
    private static final Set<PosixFilePermission> GROUP_DIR = PosixFilePermissions.fromString("rwxr-x---");
    private static final Set<PosixFilePermission> GROUP_FILE = PosixFilePermissions.fromString("rw-r-----");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private static final Optional<EngineSandbox> FOR_THIS_PROCESS = detect();

    /** The unprivileged uid and gid of one instance's daemons. */
    public record Identity(int uid, int gid) {
        public Identity {
            if (uid < ID_BASE || gid < ID_BASE) {
                throw new IllegalArgumentException("instance identities start at " + ID_BASE + ": " + uid + ":" + gid);
            }
        }

        /** The identity of the instance listening on {@code port}; ports are unique among live instances. */
        public static Identity ofPort(int port) {
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            return new Identity(ID_BASE + port, ID_BASE + port);
        }
    }

    private EngineSandbox() {}

    /**
     * The sandbox when this process runs as root, empty otherwise (an unprivileged control plane runs
     * engines as itself; docs/security.md says what protects tenants then).
     */
    public static Optional<EngineSandbox> forThisProcess() {
        return FOR_THIS_PROCESS;
    }

    private static Optional<EngineSandbox> detect() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.empty();
        }
        return Optional.of(new EngineSandbox());
    }

    /**
     * Fails when the sandbox's programs are missing: a control plane running as root must never
     * start an engine unconfined.
     *
     * @throws DatastoreException naming the missing program and the package that provides it
     */
    public void checkInstalled() {
        if (!Files.isExecutable(BWRAP)) {
            throw new DatastoreException("The control plane runs as root, so engines run in a sandbox, but " + BWRAP
                    + " is missing: install the Debian package 'bubblewrap' (scripts/start does), or run the control "
                    + "plane as an unprivileged user.");
        }
        if (!Files.isExecutable(SETPRIV)) {
            throw new DatastoreException("The control plane runs as root, so engines run under their own user, but "
                    + SETPRIV + " is missing: install the Debian package 'util-linux'.");
        }
    }

    /**
     * Gives {@code identity} what its daemon needs before a start: ownership of {@code ownedDirs}
     * (which must exist; everything below them, without following symbolic links), read access to
     * {@code reads} (each below {@code home}, group-readable by the identity's group along with the
     * directories leading to it), and passage through {@code home}. Other files below {@code home}
     * stay the control plane's alone.
     *
     * @throws DatastoreException if ownership or modes cannot be set
     */
    void prepare(Path home, List<Path> ownedDirs, List<Path> reads, Identity identity) {
        try {
            setOwner(home, 0, identity.gid(), GROUP_DIR);
            for (Path dir : ownedDirs) {
                // an instance whose files vanished is not recreated empty
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    throw new DatastoreException("The instance's directory " + dir + " is missing.");
                }
                handOver(dir, identity);
            }
            for (Path file : reads) {
                Path normal = file.toAbsolutePath().normalize();
                if (!normal.startsWith(home) || normal.equals(home) || Files.isSymbolicLink(normal)) {
                    throw new DatastoreException("A daemon may read only regular files below its instance's home, not "
                            + file + ".");
                }
                for (Path dir = normal.getParent(); !dir.equals(home); dir = dir.getParent()) {
                    setOwner(dir, 0, identity.gid(), GROUP_DIR);
                }
                setOwner(normal, 0, identity.gid(), GROUP_FILE);
            }
        } catch (IOException e) {
            throw new DatastoreException("Could not hand the files of " + home + " to its engine's user: " + e.getMessage(), e);
        }
    }

    private static void handOver(Path root, Identity identity) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                chown(dir, identity.uid(), identity.gid());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                chown(file, identity.uid(), identity.gid());
                return FileVisitResult.CONTINUE;
            }
        });
        Files.setPosixFilePermissions(root, OWNER_DIR);
    }

    private static void setOwner(Path path, int uid, int gid, Set<PosixFilePermission> mode) throws IOException {
        chown(path, uid, gid);
        Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(mode);
    }

    /** Changes the owner of {@code path} itself (a symbolic link, not its target) when it differs. */
    private static void chown(Path path, int uid, int gid) throws IOException {
        Object owner = Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        Object group = Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        if (owner instanceof Integer o && o == uid && group instanceof Integer g && g == gid) {
            return;
        }
        // unix:uid and unix:gid take numbers, so an identity needs no account in /etc/passwd.
        Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The command line that runs {@code argv} as {@code identity} in a sandbox showing only the
     * system's programs and libraries, the engine's own installation (when it is not below
     * {@code /usr}) and {@code home}; {@code environment} is the daemon's own, added to the few
     * variables kept from the control plane's.
     */
    List<String> wrap(List<String> argv, Map<String, String> environment, Path workingDir, Path home, Identity identity) {
        requireNonNull(argv, "argv is null");
        List<String> line = new ArrayList<>(List.of(BWRAP.toString(), "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--clearenv"));
        for (String name : KEPT_ENVIRONMENT) {
            String value = System.getenv(name);
            if (value != null) {
                line.addAll(List.of("--setenv", name, value));
            }
        }
        environment.forEach((name, value) -> line.addAll(List.of("--setenv", name, value)));
        for (String dir : SYSTEM_DIRS) {
            Path path = Path.of(dir);
            if (Files.isSymbolicLink(path)) {
                try {
                    line.addAll(List.of("--symlink", Files.readSymbolicLink(path).toString(), dir));
                } catch (IOException e) {
                    throw new DatastoreException("Could not read the symbolic link " + dir + ".", e);
                }
            } else if (Files.isDirectory(path)) {
                line.addAll(List.of("--ro-bind", dir, dir));
            }
        }
        // directories bwrap creates for bind targets are closed to others unless made otherwise
        line.addAll(List.of("--perms", "0755", "--dir", "/etc", "--perms", "0755", "--dir", "/etc/ssl"));
        for (String file : ETC_FILES) {
            line.addAll(List.of("--ro-bind-try", file, file));
        }
        line.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/tmp"));
        Set<Path> made = new LinkedHashSet<>(List.of(Path.of("/"), Path.of("/tmp"), Path.of("/usr"), Path.of("/etc")));
        installationOf(Path.of(argv.get(0))).ifPresent(root -> {
            parents(root, made, line);
            line.addAll(List.of("--ro-bind", root.toString(), root.toString()));
        });
        parents(home, made, line);
        line.addAll(List.of("--bind", home.toString(), home.toString(), "--chdir", workingDir.toString()));
        line.addAll(List.of("--", SETPRIV.toString(), "--reuid=" + identity.uid(), "--regid=" + identity.gid(),
                "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"));
        line.addAll(argv);
        return line;
    }

    /** Directories leading to {@code path} that the sandbox must create, traversable but empty. */
    private static void parents(Path path, Set<Path> made, List<String> line) {
        List<Path> missing = new ArrayList<>();
        for (Path dir = path.getParent(); dir != null && !made.contains(dir); dir = dir.getParent()) {
            missing.addFirst(dir);
        }
        for (Path dir : missing) {
            line.addAll(List.of("--perms", "0711", "--dir", dir.toString()));
            made.add(dir);
        }
    }

    /**
     * The directory an engine installed outside {@code /usr} runs from: the parent of the
     * {@code bin} or {@code sbin} directory holding its program (where its libraries and messages
     * live too), else the program's own directory.
     */
    static Optional<Path> installationOf(Path program) {
        Path absolute = program.toAbsolutePath().normalize();
        if (absolute.startsWith("/usr") || absolute.getParent() == null) {
            return Optional.empty();
        }
        Path dir = absolute.getParent();
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        if ((name.equals("bin") || name.equals("sbin")) && dir.getParent() != null) {
            return Optional.of(dir.getParent());
        }
        LOG.debug("Engine program {} is not in a bin directory; only its directory is shown in the sandbox", absolute);
        return Optional.of(dir);
    }
}
