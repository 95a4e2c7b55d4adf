package io.reddwarf.core.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.TlsFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's certificate authority: an ECDSA P-256 key ({@code state/ca-key.pem}, 0600, never
 * copied to an instance) and its self-signed certificate ({@code state/ca.pem}, published as
 * {@code ca.pem} in the home and through the API). It signs one certificate per instance for the
 * address the instance listens on; the instance gets its own key. Keys and certificates are made
 * by Debian's {@code openssl} command, so no cryptography is written here.
 */
public final class CertificateAuthority {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthority.class);
    static final String KEY_FILE = "ca-key.pem";
    static final String CERTIFICATE_FILE = "ca.pem";
    static final String INSTANCE_CERTIFICATE = "tls-cert.pem";
    static final String INSTANCE_KEY = "tls-key.pem";
    static final String INSTANCE_AUTHORITY = "tls-ca.pem";
    private static final long AUTHORITY_DAYS = 3650;
    private static final long INSTANCE_DAYS = 825;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path key;
    private final Path certificate;
    private final String pem;

    private CertificateAuthority(Path key, Path certificate) throws IOException {
        this.key = key;
        this.certificate = certificate;
        this.pem = Files.readString(certificate, UTF_8);
    }

    /**
     * The authority kept in {@code stateDir}, created on first use, with its certificate also
     * written to {@code published} (readable by everyone: it is public).
     *
     * @throws DatastoreException if {@code openssl} fails or is missing
     */
    public static CertificateAuthority loadOrCreate(Path stateDir, Path published) {
        Path key = stateDir.resolve(KEY_FILE);
        Path certificate = stateDir.resolve(CERTIFICATE_FILE);
        try {
            Files.createDirectories(stateDir);
            if (!Files.exists(key) || !Files.exists(certificate)) {
                Path scratch = Files.createTempDirectory(stateDir, ".ca-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                try {
                    Path newKey = scratch.resolve(KEY_FILE);
                    Path newCertificate = scratch.resolve(CERTIFICATE_FILE);
                    openssl(List.of("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                            "-keyout", newKey.toString(), "-out", newCertificate.toString(),
                            "-days", Long.toString(AUTHORITY_DAYS), "-sha256",
                            "-subj", "/O=Reddwarf/CN=Reddwarf instance CA " + UUID.randomUUID().toString().substring(0, 8),
                            "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
                            "-addext", "keyUsage=critical,keyCertSign,cRLSign"));
                    Files.setPosixFilePermissions(newKey, PosixFilePermissions.fromString("rw-------"));
                    move(newCertificate, certificate);
                    move(newKey, key);
                } finally {
                    deleteTree(scratch);
                }
                LOG.info("Created the deployment's certificate authority in {}", certificate);
            }
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(certificate, PosixFilePermissions.fromString("rw-------"));
            CertificateAuthority authority = new CertificateAuthority(key, certificate);
            if (!Files.exists(published) || !Files.readString(published, UTF_8).equals(authority.pem)) {
                writeAtomically(published, authority.pem, "rw-r--r--");
            }
            return authority;
        } catch (IOException e) {
            throw new DatastoreException("Could not set up the certificate authority in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** The authority's certificate, PEM. */
    public String certificatePem() {
        return pem;
    }

    /** Where an instance's files are kept in its configuration directory. */
    public static TlsFiles filesIn(Path confDir) {
        return new TlsFiles(confDir.resolve(INSTANCE_CERTIFICATE), confDir.resolve(INSTANCE_KEY),
                confDir.resolve(INSTANCE_AUTHORITY));
    }

    /**
     * Issues the instance its own key and a certificate for {@code address} (and {@code localhost}),
     * written into {@code confDir} (0600, the control plane's; the supervisor lets the engine read
     * them). The key and certificate land together: a reader sees the old pair or the new one.
     *
     * @throws DatastoreException if {@code openssl} fails
     */
    public TlsFiles issue(Path confDir, String instanceId, String address) {
        requireNonNull(instanceId, "instanceId is null");
        TlsFiles files = filesIn(confDir);
        try {
            Path scratch = Files.createTempDirectory(confDir, ".tls-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try {
                Path newKey = scratch.resolve(INSTANCE_KEY);
                Path request = scratch.resolve("request.pem");
                Path extensions = scratch.resolve("extensions.cnf");
                Path newCertificate = scratch.resolve(INSTANCE_CERTIFICATE);
                String san = (address.matches("[0-9.]+|[0-9a-fA-F:]+") ? "IP:" : "DNS:") + address
                        + (address.equals("localhost") ? "" : ",DNS:localhost");
                Files.writeString(extensions, "basicConstraints=critical,CA:FALSE\n"
                        + "keyUsage=critical,digitalSignature,keyEncipherment\n"
                        + "extendedKeyUsage=serverAuth\n"
                        + "subjectAltName=" + san + "\n", UTF_8);
                openssl(List.of("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-keyout", newKey.toString(), "-out", request.toString(),
                        "-subj", "/O=Reddwarf/CN=" + instanceId));
                openssl(List.of("x509", "-req", "-in", request.toString(), "-CA", certificate.toString(),
                        "-CAkey", key.toString(), "-set_serial", "0x" + HexFormat.of().formatHex(serial()),
                        "-days", Long.toString(INSTANCE_DAYS), "-sha256", "-extfile", extensions.toString(),
                        "-out", newCertificate.toString()));
                for (Path file : List.of(newKey, newCertificate)) {
                    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
                }
                writeAtomically(files.authority(), pem, "rw-------");
                move(newKey, files.privateKey());
                move(newCertificate, files.certificate());
            } finally {
                deleteTree(scratch);
            }
            return files;
        } catch (IOException e) {
            throw new DatastoreException("Could not issue the certificate of instance " + instanceId + ": " + e.getMessage(), e);
        }
    }

    private static byte[] serial() {
        byte[] serial = new byte[16];
        RANDOM.nextBytes(serial);
        serial[0] &= 0x7f;
        return serial;
    }

    private static void openssl(List<String> arguments) throws IOException {
        List<String> argv = new ArrayList<>();
        argv.add("openssl");
        argv.addAll(arguments);
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("openssl " + arguments.getFirst() + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running openssl", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("openssl " + arguments.getFirst() + " failed (exit code " + process.exitValue() + "): "
                    + output.strip());
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void writeAtomically(Path target, String content, String mode) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
            Files.writeString(tmp, content, UTF_8);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
