package io.reddwarf.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.host.LocalInstanceContext;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The instance's TLS key is made by the agent; only a certificate for that key is installed. */
final class InstanceTlsTest {
    @TempDir
    Path dir;

    @Test
    void theKeyStaysHereAndOnlyItsCertificateIsInstalled() throws Exception {
        LocalInstanceContext context = LocalInstanceContext.create("0b6f9a52-1c1e-4a8e-9a54-0d7d2d3c9e11",
                new DatastoreVersion("10.11", "10.11.0"), new Flavor("1", "tiny", 512, 1, 1),
                dir.resolve("instance"), dir.resolve("template"), "127.0.0.1", 23001);
        JsonNode first = InstanceTls.publicKey(context);
        assertThat(first.path("installed").asBoolean()).isFalse();
        assertThat(InstanceTls.publicKey(context).path("public_key").asText()).as("asked again")
                .isEqualTo(first.path("public_key").asText());
        PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(
                new X509EncodedKeySpec(Base64.getDecoder().decode(first.path("public_key").asText())));

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        KeyPair authority = generator.generateKeyPair();
        String authorityPem = pem(certificate(authority, authority.getPublic(), "authority"));
        String forAnotherKey = pem(certificate(authority, generator.generateKeyPair().getPublic(), "other"));
        assertThatThrownBy(() -> InstanceTls.install(context, forAnotherKey, authorityPem))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not for the key");
        assertThat(context.tls()).isEmpty();

        String issued = pem(certificate(authority, publicKey, "instance"));
        InstanceTls.install(context, issued, authorityPem);
        assertThat(context.tls()).isPresent();
        Path key = context.tls().orElseThrow().privateKey();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
        InstanceTls.install(context, issued, authorityPem);
        assertThat(InstanceTls.publicKey(context).path("installed").asBoolean()).as("after the install").isTrue();
        try (var files = Files.list(context.confDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("pending"));
        }
    }

    @Test
    void theKeyOfferedWithAPollIsInstalledWithItsCertificateAndNoOtherCertificate() throws Exception {
        LocalInstanceContext context = LocalInstanceContext.create("5d1e2a44-8f7b-4c55-9a1d-2b2e6c0f7a10",
                new DatastoreVersion("10.11", "10.11.0"), new Flavor("1", "tiny", 512, 1, 1),
                dir.resolve("offered"), dir.resolve("template"), "127.0.0.1", 23002);
        InstanceTls.publicKey(context); // a pending key an interrupted run left
        OfferedKeys keys = new OfferedKeys();
        String offered = keys.offer();
        assertThat(keys.offer()).as("offered again until a preparation takes it").isEqualTo(offered);
        PublicKey publicKey = KeyFactory.getInstance("EC").generatePublic(
                new X509EncodedKeySpec(Base64.getUrlDecoder().decode(offered)));

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        KeyPair authority = generator.generateKeyPair();
        String authorityPem = pem(certificate(authority, authority.getPublic(), "authority"));
        String issued = pem(certificate(authority, publicKey, "instance"));
        com.fasterxml.jackson.databind.node.ObjectNode args = io.reddwarf.agent.protocol.Protocol.json().createObjectNode();
        args.putObject("tls").put("request", true).put("certificate", issued).put("authority", authorityPem);
        keys.delivered(new io.reddwarf.agent.protocol.Command("prep-1", context.instanceId(), "instance.prepare", args));
        assertThat(keys.offer()).as("the next poll offers a new key").isNotEqualTo(offered);
        KeyPair pair = keys.take("prep-1").orElseThrow();
        assertThat(keys.take("prep-1")).as("handed out once").isEmpty();

        String forAnotherKey = pem(certificate(authority, generator.generateKeyPair().getPublic(), "other"));
        assertThatThrownBy(() -> InstanceTls.installOffered(context, pair, forAnotherKey, authorityPem))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not for the key offered");
        assertThat(context.tls()).isEmpty();

        InstanceTls.installOffered(context, pair, issued, authorityPem);
        assertThat(context.tls()).isPresent();
        Path key = context.tls().orElseThrow().privateKey();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        try (var files = Files.list(context.confDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("the pending key is gone")
                    .noneMatch(n -> n.contains("pending"));
        }
    }

    private static java.security.cert.X509Certificate certificate(KeyPair issuer, PublicKey subject, String name)
            throws Exception {
        Date now = new Date();
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                new JcaX509v3CertificateBuilder(new X500Name("CN=authority"), BigInteger.valueOf(System.nanoTime()), now,
                        new Date(now.getTime() + 86_400_000L), new X500Name("CN=" + name), subject)
                        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static String pem(java.security.cert.X509Certificate certificate) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }
}
