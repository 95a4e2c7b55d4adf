package io.reddwarf.agent;

import static java.nio.charset.StandardCharsets.US_ASCII;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.TlsFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;

/**
 * An instance's TLS key and certificate, made on the agent's host: the agent makes the key pair and
 * hands out only the public key; the control plane's CA signs it and sends the certificate back,
 * which is installed only if it certifies that very key. Both steps may be repeated.
 */
final class InstanceTls {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The key waiting for its certificate, and its public half (DER), in the instance's conf directory. */
    private static final String PENDING_KEY = "tls-key.pending";
    private static final String PENDING_PUBLIC = "tls-public.pending";

    private InstanceTls() {}

    /**
     * {@code {installed: true}} when the instance has its key and certificate; else the public key
     * (base64 DER) of the pending key, made now if there is none.
     */
    static ObjectNode publicKey(LocalInstanceContext context) {
        ObjectNode answer = Protocol.json().createObjectNode();
        if (context.tls().isPresent()) {
            return answer.put("installed", true);
        }
        Path conf = context.confDir();
        try {
            Path pendingKey = conf.resolve(PENDING_KEY);
            Path pendingPublic = conf.resolve(PENDING_PUBLIC);
            if (!Files.isRegularFile(pendingKey) || !Files.isRegularFile(pendingPublic)) {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                KeyPair pair = generator.generateKeyPair();
                // the private half first: a public key on disk always has its private key
                write(pendingKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
                write(pendingPublic, Base64.getEncoder().encodeToString(pair.getPublic().getEncoded()));
            }
            return answer.put("installed", false).put("public_key", Files.readString(pendingPublic, US_ASCII).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not make the TLS key of instance " + context.instanceId(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Installs {@code certificatePem} for the pending key, with the authority's certificate; refuses
     * a certificate for another key.
     */
    static void install(LocalInstanceContext context, String certificatePem, String authorityPem) {
        Path conf = context.confDir();
        TlsFiles files = LocalInstanceContext.tlsFilesIn(conf);
        try {
            X509Certificate certificate = certificate(certificatePem, authorityPem);
            Path pendingPublic = conf.resolve(PENDING_PUBLIC);
            if (!Files.isRegularFile(pendingPublic)) {
                if (context.tls().isPresent() && Files.readString(files.certificate(), US_ASCII).equals(certificatePem)) {
                    return; // installed by an earlier run of this command
                }
                throw new IllegalArgumentException("Instance " + context.instanceId() + " has no key waiting for a certificate.");
            }
            byte[] expected = Base64.getDecoder().decode(Files.readString(pendingPublic, US_ASCII).strip());
            if (!Arrays.equals(expected, certificate.getPublicKey().getEncoded())) {
                throw new IllegalArgumentException("The certificate is not for the key instance " + context.instanceId()
                        + " made.");
            }
            write(files.authority(), authorityPem);
            write(files.certificate(), certificatePem);
            Files.move(conf.resolve(PENDING_KEY), files.privateKey(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.delete(pendingPublic);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not install the TLS certificate of instance " + context.instanceId(), e);
        }
    }

    /**
     * Installs {@code pair}, made on this host and offered with a poll, and {@code certificatePem}
     * the authority issued for its public key; refuses a certificate for another key. A key an
     * interrupted run left waiting is removed.
     */
    static void installOffered(LocalInstanceContext context, KeyPair pair, String certificatePem, String authorityPem) {
        Path conf = context.confDir();
        TlsFiles files = LocalInstanceContext.tlsFilesIn(conf);
        try {
            X509Certificate certificate = certificate(certificatePem, authorityPem);
            if (!Arrays.equals(pair.getPublic().getEncoded(), certificate.getPublicKey().getEncoded())) {
                throw new IllegalArgumentException("The certificate is not for the key offered for instance "
                        + context.instanceId() + ".");
            }
            write(files.privateKey(), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            write(files.authority(), authorityPem);
            // the certificate last: an instance has TLS once it is there
            write(files.certificate(), certificatePem);
            Files.deleteIfExists(conf.resolve(PENDING_KEY));
            Files.deleteIfExists(conf.resolve(PENDING_PUBLIC));
        } catch (IOException e) {
            throw new UncheckedIOException("Could not install the TLS certificate of instance " + context.instanceId(), e);
        }
    }

    /**
     * The instance's certificate, once both PEMs are read as certificates.
     *
     * @throws IllegalArgumentException if either is not one
     */
    private static X509Certificate certificate(String certificatePem, String authorityPem) {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            factory.generateCertificate(new ByteArrayInputStream(authorityPem.getBytes(US_ASCII)));
            return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(certificatePem.getBytes(US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("A certificate is not readable: " + e.getMessage());
        }
    }

    /** Writes {@code text} to {@code file} (mode 0600) through a temporary file renamed into place. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(tmp, text, US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
