package io.reddwarf.server.auth;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded mode's credentials, kept in {@code $REDDWARF_HOME/auth.properties} (mode 0600): a
 * demo project with a member token and an admin project with an admin token, generated with
 * {@link SecureRandom} on first start, and the member projects added later with
 * {@link #createProject}. Project ids look like Keystone's: 32 hex digits; tokens are 64.
 *
 * <p>An instance is one version of the file and never changes. Writers (first start,
 * {@code project create}, the server rewriting {@code clouds.yaml}) hold {@code auth.lock}, an
 * exclusive lock of the home, and replace files by an atomic rename, so readers never need the
 * lock and never see half a file.
 */
public final class LocalCredentials implements TokenAuthenticator {
    public static final String FILE_NAME = "auth.properties";
    public static final String LOCK_FILE_NAME = "auth.lock";

    /** The rule for a project name, as {@code project create} states it. */
    public static final String NAME_RULE = "A project name is 1 to 64 characters: lowercase letters, digits, '-' "
            + "and '_', starting with a letter or a digit.";

    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern PROJECT_KEY = Pattern.compile("project\\.(.+)\\.(id|token)");
    /**
     * A file lock belongs to the whole process, and closing any channel of the file releases it, so
     * the threads of this JVM take turns here before one of them opens the lock file.
     */
    private static final Object THIS_PROCESS = new Object();

    private final LocalProject demo;
    private final LocalProject admin;
    private final List<LocalProject> members;

    public LocalCredentials(String demoProject, String demoToken, String adminProject, String adminToken) {
        this(LocalProject.member(LocalProject.DEMO, demoProject, demoToken),
                LocalProject.admin(LocalProject.ADMIN, adminProject, adminToken), List.of());
    }

    private LocalCredentials(LocalProject demo, LocalProject admin, List<LocalProject> members) {
        this.demo = requireNonNull(demo, "demo is null");
        this.admin = requireNonNull(admin, "admin is null");
        this.members = members.stream().sorted(Comparator.comparing(LocalProject::name)).toList();
    }

    /** Reads {@code home/auth.properties}, creating it with fresh credentials when it does not exist. */
    public static LocalCredentials loadOrCreate(Path home) {
        Path file = home.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            return locked(home, () -> loadOrCreateLocked(home));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    /**
     * Adds a member project named {@code name} with a fresh id and token to {@code home/auth.properties}
     * (created first if missing), safely against other writers in this and other processes.
     *
     * @throws IllegalArgumentException for a name outside {@link #NAME_RULE} or one that exists
     */
    public static LocalProject createProject(Path home, String name) {
        requireNonNull(name, "name is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(NAME_RULE);
        }
        try {
            return locked(home, () -> {
                LocalCredentials current = loadOrCreateLocked(home);
                if (current.project(name).isPresent()) {
                    throw new IllegalArgumentException("Project '" + name + "' already exists.");
                }
                SecureRandom random = new SecureRandom();
                Set<String> ids = new HashSet<>();
                current.projects().forEach(p -> ids.add(p.id()));
                String id;
                do {
                    id = hex(random, 16);
                } while (ids.contains(id));
                LocalProject created = LocalProject.member(name, id, hex(random, 32));
                List<LocalProject> members = new ArrayList<>(current.members);
                members.add(created);
                new LocalCredentials(current.demo, current.admin, members).write(home.resolve(FILE_NAME));
                return created;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add a project to " + home.resolve(FILE_NAME), e);
        }
    }

    /** Reads one version of the file. */
    static LocalCredentials load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, UTF_8)) {
            p.load(r);
        }
        LocalProject demo = LocalProject.member(LocalProject.DEMO, required(p, file, "demo.project"),
                required(p, file, "demo.token"));
        LocalProject admin = LocalProject.admin(LocalProject.ADMIN, required(p, file, "admin.project"),
                required(p, file, "admin.token"));
        List<LocalProject> members = new ArrayList<>();
        for (String key : p.stringPropertyNames()) {
            Matcher m = PROJECT_KEY.matcher(key);
            if (m.matches() && m.group(2).equals("id")) {
                String name = m.group(1);
                if (!NAME.matcher(name).matches() || name.equals(LocalProject.DEMO) || name.equals(LocalProject.ADMIN)) {
                    throw new IllegalStateException(file + " has an invalid project name in " + key);
                }
                members.add(LocalProject.member(name, required(p, file, key),
                        required(p, file, "project." + name + ".token")));
            } else if (m.matches() && p.getProperty("project." + m.group(1) + ".id") == null) {
                throw new IllegalStateException(file + " has no project." + m.group(1) + ".id");
            }
        }
        LocalCredentials credentials = new LocalCredentials(demo, admin, members);
        credentials.check(file);
        return credentials;
    }

    private void check(Path file) {
        Set<String> ids = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (LocalProject project : projects()) {
            if (!ID.matcher(project.id()).matches()) {
                throw new IllegalStateException(file + ": the id of project " + project.name()
                        + " is not 32 lowercase hex digits");
            }
            if (!ids.add(project.id())) {
                throw new IllegalStateException(file + ": two projects have the id " + project.id());
            }
            if (!tokens.add(project.token())) {
                throw new IllegalStateException(file + ": project " + project.name()
                        + " has the token of another project");
            }
        }
    }

    private static LocalCredentials loadOrCreateLocked(Path home) throws IOException {
        Path file = home.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return load(file);
        }
        SecureRandom random = new SecureRandom();
        String demoId = hex(random, 16);
        String adminId;
        do {
            adminId = hex(random, 16);
        } while (adminId.equals(demoId));
        LocalCredentials created = new LocalCredentials(demoId, hex(random, 32), adminId, hex(random, 32));
        created.write(file);
        return created;
    }

    /**
     * Runs {@code action} holding the home's {@code auth.lock}: exclusive among the threads of this
     * JVM and among processes. Creates the home (0700) when it does not exist.
     */
    static <T> T locked(Path home, IoAction<T> action) throws IOException {
        if (!Files.isDirectory(home)) {
            Files.createDirectories(home,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        synchronized (THIS_PROCESS) {
            try (FileChannel channel = FileChannel.open(home.resolve(LOCK_FILE_NAME), Set.of(StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE), ownerOnly())) {
                FileLock lock = channel.lock();
                try {
                    return action.run();
                } finally {
                    lock.release();
                }
            }
        }
    }

    /** Something done with a lock held. */
    @FunctionalInterface
    interface IoAction<T> {
        T run() throws IOException;
    }

    static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(OWNER_ONLY);
    }

    /** Writes {@code text} to {@code file} through a 0600 temporary file, synced, then renamed over it. */
    static void replace(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp", ownerOnly());
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder()
                .append("# Reddwarf API credentials (generated on first start and by 'project create'; keep secret)\n")
                .append("demo.project=").append(demo.id()).append('\n')
                .append("demo.token=").append(demo.token()).append('\n')
                .append("admin.project=").append(admin.id()).append('\n')
                .append("admin.token=").append(admin.token()).append('\n');
        for (LocalProject member : members) {
            text.append("project.").append(member.name()).append(".id=").append(member.id()).append('\n')
                    .append("project.").append(member.name()).append(".token=").append(member.token()).append('\n');
        }
        replace(file, text.toString());
    }

    private static String required(Properties p, Path file, String key) {
        String value = p.getProperty(key, "").trim();
        if (value.isEmpty()) {
            throw new IllegalStateException(file + " has no " + key);
        }
        return value;
    }

    private static String hex(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public Optional<Principal> authenticate(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        byte[] given = token.getBytes(US_ASCII);
        LocalProject found = null;
        // Every token is compared, in constant time, so the answer's timing says nothing about which matched.
        for (LocalProject project : projects()) {
            if (MessageDigest.isEqual(given, project.token().getBytes(US_ASCII))) {
                found = project;
            }
        }
        return Optional.ofNullable(found).map(LocalProject::principal);
    }

    @Override
    public boolean projectExists(String projectId) {
        return projects().stream().anyMatch(p -> p.id().equals(projectId));
    }

    /** Every project: demo, admin, then the others by name. */
    public List<LocalProject> projects() {
        List<LocalProject> all = new ArrayList<>(members.size() + 2);
        all.add(demo);
        all.add(admin);
        all.addAll(members);
        return all;
    }

    /** The project named {@code name} ({@code demo}, {@code admin} or one created since). */
    public Optional<LocalProject> project(String name) {
        return projects().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public String demoProject() {
        return demo.id();
    }

    public String demoToken() {
        return demo.token();
    }

    public String adminProject() {
        return admin.id();
    }

    public String adminToken() {
        return admin.token();
    }
}
