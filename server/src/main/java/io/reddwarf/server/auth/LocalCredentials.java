package io.reddwarf.server.auth;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The embedded mode's credentials: a demo project with a member token and an admin project with an
 * admin token, generated with {@link SecureRandom} on first start and kept in
 * {@code $REDDWARF_HOME/auth.properties} (mode 0600). Project ids look like Keystone's: 32 hex digits.
 */
public final class LocalCredentials implements TokenAuthenticator {
    public static final String FILE_NAME = "auth.properties";

    private final String demoProject;
    private final String demoToken;
    private final String adminProject;
    private final String adminToken;

    public LocalCredentials(String demoProject, String demoToken, String adminProject, String adminToken) {
        this.demoProject = requireNonNull(demoProject, "demoProject is null");
        this.demoToken = requireNonNull(demoToken, "demoToken is null");
        this.adminProject = requireNonNull(adminProject, "adminProject is null");
        this.adminToken = requireNonNull(adminToken, "adminToken is null");
    }

    /** Reads {@code home/auth.properties}, creating it with fresh credentials when it does not exist. */
    public static LocalCredentials loadOrCreate(Path home) {
        Path file = home.resolve(FILE_NAME);
        try {
            if (!Files.exists(file)) {
                SecureRandom random = new SecureRandom();
                LocalCredentials created = new LocalCredentials(hex(random, 16), hex(random, 32), hex(random, 16),
                        hex(random, 32));
                created.write(file);
                return created;
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            return new LocalCredentials(required(p, file, "demo.project"), required(p, file, "demo.token"),
                    required(p, file, "admin.project"), required(p, file, "admin.token"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }

    private void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("demo.project", demoProject);
        p.setProperty("demo.token", demoToken);
        p.setProperty("admin.project", adminProject);
        p.setProperty("admin.token", adminToken);
        Path tmp = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "Reddwarf API credentials (generated on first start; keep secret)");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
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
        if (matches(token, demoToken)) {
            return Optional.of(new Principal(demoProject, Set.of(Principal.MEMBER_ROLE)));
        }
        if (matches(token, adminToken)) {
            return Optional.of(new Principal(adminProject, Set.of(Principal.ADMIN_ROLE, Principal.MEMBER_ROLE)));
        }
        return Optional.empty();
    }

    private static boolean matches(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(US_ASCII), expected.getBytes(US_ASCII));
    }

    public String demoProject() {
        return demoProject;
    }

    public String demoToken() {
        return demoToken;
    }

    public String adminProject() {
        return adminProject;
    }

    public String adminToken() {
        return adminToken;
    }
}
