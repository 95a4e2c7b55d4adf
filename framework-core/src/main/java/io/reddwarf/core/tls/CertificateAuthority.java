package io.reddwarf.core.tls;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.TlsFiles;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment's certificate authority: an ECDSA P-256 key ({@code state/ca-key.pem}, PKCS#8,
 * 0600, never copied to an instance) and its self-signed certificate ({@code state/ca.pem},
 * published as {@code ca.pem} in the home and through the API). It signs one certificate per
 * instance for the address the instance listens on; the instance gets its own key. Keys are made
 * and signatures computed by the JDK's own providers; Bouncy Castle only encodes the certificates,
 * in process, so issuing one costs no program start on an instance's build path.
 */
public final class CertificateAuthority {
    private static final Logger LOG = LoggerFactory.getLogger(CertificateAuthority.class);
    static final String KEY_FILE = "ca-key.pem";
    static final String CERTIFICATE_FILE = "ca.pem";
    private static final Duration AUTHORITY_VALIDITY = Duration.ofDays(3650);
    private static final Duration INSTANCE_VALIDITY = Duration.ofDays(825);
    /** Certificates are valid from a little before they are made, for clients whose clocks lag. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String pem;
    private final PrivateKey signingKey;
    private final X509CertificateHolder issuer;

    private CertificateAuthority(Path key, Path certificate) throws IOException {
        this.pem = Files.readString(certificate, UTF_8);
        this.signingKey = readPrivateKey(Files.readString(key, US_ASCII));
        this.issuer = readCertificate(pem);
    }

    /**
     * The authority kept in {@code stateDir}, created on first use, with its certificate also
     * written to {@code published} (readable by everyone: it is public).
     *
     * @throws DatastoreException if the files cannot be read or written
     */
    public static CertificateAuthority loadOrCreate(Path stateDir, Path published) {
        Path key = stateDir.resolve(KEY_FILE);
        Path certificate = stateDir.resolve(CERTIFICATE_FILE);
        try {
            Files.createDirectories(stateDir);
            if (!Files.exists(key) || !Files.exists(certificate)) {
                KeyPair pair = newKeyPair();
                X500Name subject = name("Reddwarf instance CA " + UUID.randomUUID().toString().substring(0, 8));
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                Instant now = Instant.now();
                JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                        Date.from(now.minus(BACKDATE)), Date.from(now.plus(AUTHORITY_VALIDITY)), subject, pair.getPublic());
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
                String certificatePem = pem("CERTIFICATE", sign(builder, pair.getPrivate()).getEncoded());
                // the key first: a certificate without its key would be taken for a complete authority
                writeAtomically(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
                writeAtomically(certificate, certificatePem, "rw-------");
                LOG.info("Created the deployment's certificate authority in {}", certificate);
            }
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(certificate, PosixFilePermissions.fromString("rw-------"));
            CertificateAuthority authority = new CertificateAuthority(key, certificate);
            if (!Files.exists(published) || !Files.readString(published, UTF_8).equals(authority.pem)) {
                writeAtomically(published, authority.pem, "rw-r--r--");
            }
            return authority;
        } catch (IOException | GeneralSecurityException e) {
            throw new DatastoreException("Could not set up the certificate authority in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** The authority's certificate, PEM. */
    public String certificatePem() {
        return pem;
    }

    /** Where an instance's files are kept in its configuration directory. */
    public static TlsFiles filesIn(Path confDir) {
        return LocalInstanceContext.tlsFilesIn(confDir);
    }

    /**
     * Issues the instance its own key and a certificate for {@code address} (and {@code localhost}),
     * written into {@code confDir} (0600, the control plane's; the supervisor lets the engine read
     * them). The key is written before the certificate, each replaced atomically.
     *
     * @throws DatastoreException if the files cannot be written
     */
    public TlsFiles issue(Path confDir, String instanceId, String address) {
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(address, "address is null");
        TlsFiles files = filesIn(confDir);
        try {
            KeyPair pair = newKeyPair();
            String certificate = issueInstance(pair.getPublic(), instanceId, address);
            writeAtomically(files.authority(), pem, "rw-------");
            writeAtomically(files.privateKey(), pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
            writeAtomically(files.certificate(), certificate, "rw-------");
            return files;
        } catch (IOException | GeneralSecurityException e) {
            throw new DatastoreException("Could not issue the certificate of instance " + instanceId + ": " + e.getMessage(), e);
        }
    }

    /**
     * The server certificate (PEM) of instance {@code instanceId} reached at {@code address}, for
     * {@code publicKey}: the key was made where the instance runs (its agent) and never left it.
     */
    public String issueInstance(java.security.PublicKey publicKey, String instanceId, String address) {
        requireNonNull(publicKey, "publicKey is null");
        requireNonNull(instanceId, "instanceId is null");
        requireNonNull(address, "address is null");
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.getSubject(), serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(INSTANCE_VALIDITY)), name(instanceId), publicKey);
            List<GeneralName> names = new ArrayList<>();
            names.add(isAddressLiteral(address) ? new GeneralName(GeneralName.iPAddress, address)
                    : new GeneralName(GeneralName.dNSName, address));
            if (!address.equals("localhost")) {
                names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            }
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
            return pem("CERTIFICATE", sign(builder, signingKey).getEncoded());
        } catch (IOException | GeneralSecurityException e) {
            throw new DatastoreException("Could not issue the certificate of instance " + instanceId + ": " + e.getMessage(), e);
        }
    }

    /** A key (PKCS#8 PEM) with the certificate the authority issued for it, and the certificate's serial. */
    public record Credential(String privateKeyPem, String certificatePem, String serialHex) {
        @Override
        public String toString() {
            return "Credential[serial=" + serialHex + "]";
        }
    }

    /**
     * A client certificate for an agent: CN = {@code agentId}, extended key usage clientAuth, valid
     * {@link #INSTANCE_VALIDITY}. The key is made here and returned once; the authority keeps only
     * the serial (in the agent's row).
     */
    public Credential issueClient(String agentId) {
        return issue(agentId, List.of(), KeyPurposeId.id_kp_clientAuth);
    }

    /** A server certificate for the control plane's agent listener, for {@code names} (addresses or host names). */
    public Credential issueServer(List<String> names) {
        return issue("Reddwarf agent listener", names, KeyPurposeId.id_kp_serverAuth);
    }

    private Credential issue(String commonName, List<String> names, KeyPurposeId purpose) {
        try {
            KeyPair pair = newKeyPair();
            Instant now = Instant.now();
            BigInteger serial = serial();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer.getSubject(), serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(INSTANCE_VALIDITY)), name(commonName), pair.getPublic());
            JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.stream()
                        .map(n -> isAddressLiteral(n) ? new GeneralName(GeneralName.iPAddress, n)
                                : new GeneralName(GeneralName.dNSName, n))
                        .toArray(GeneralName[]::new)));
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuer));
            X509Certificate issued = sign(builder, signingKey);
            return new Credential(pem("PRIVATE KEY", pair.getPrivate().getEncoded()), pem("CERTIFICATE", issued.getEncoded()),
                    serial.toString(16));
        } catch (IOException | GeneralSecurityException e) {
            throw new DatastoreException("Could not issue a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    /** An IPv4 or IPv6 address written as numbers (a name otherwise). */
    private static boolean isAddressLiteral(String address) {
        return address.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F]*:[0-9a-fA-F:.]*");
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Reddwarf").addRDN(BCStyle.CN, commonName).build();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key) throws GeneralSecurityException {
        try {
            X509CertificateHolder holder = builder.build(new JcaContentSignerBuilder(SIGNATURE).build(key));
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        byte[] serial = new byte[16];
        RANDOM.nextBytes(serial);
        serial[0] &= 0x7f;
        serial[0] |= 0x01;
        return new BigInteger(serial);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Reads the authority's key, PKCS#8 or the traditional EC form (as {@code openssl} writes them). */
    private static PrivateKey readPrivateKey(String text) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            throw new IOException("the authority's key file holds no private key");
        }
    }

    private static X509CertificateHolder readCertificate(String text) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(text))) {
            if (parser.readObject() instanceof X509CertificateHolder holder) {
                return holder;
            }
            throw new IOException("the authority's certificate file holds no certificate");
        }
    }

    private static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Writes {@code target} with {@code mode} (such as {@code rw-------}) in one step: a reader sees the old or the new file. */
    public static void writeAtomically(Path target, String content, String mode) throws IOException {
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
}
