package io.reddwarf.core.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.reddwarf.spi.TlsFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the certificates with Debian's {@code openssl}, the same library the engines verify with. */
final class CertificateAuthorityTest {
    @TempDir
    Path dir;

    @Test
    void issuedCertificateVerifiesAgainstThePublishedAuthorityForItsAddress() throws Exception {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(dir.resolve("state"), dir.resolve("ca.pem"));
        Path conf = Files.createDirectory(dir.resolve("conf"));

        TlsFiles files = authority.issue(conf, "3f1c0a52-instance", "127.0.0.1");

        assertThat(openssl("verify", "-CAfile", dir.resolve("ca.pem").toString(), "-verify_ip", "127.0.0.1",
                "-purpose", "sslserver", files.certificate().toString())).endsWith(": OK");
        assertThat(openssl("verify", "-CAfile", files.authority().toString(), "-verify_hostname", "localhost",
                files.certificate().toString())).endsWith(": OK");
        String text = openssl("x509", "-in", files.certificate().toString(), "-noout", "-subject", "-ext",
                "subjectAltName,basicConstraints");
        assertThat(text).contains("CN = 3f1c0a52-instance", "IP Address:127.0.0.1", "DNS:localhost", "CA:FALSE");
        // the key belongs to the certificate
        assertThat(openssl("pkey", "-in", files.privateKey().toString(), "-pubout"))
                .isEqualTo(openssl("x509", "-in", files.certificate().toString(), "-noout", "-pubkey"));
        for (Path file : List.of(files.certificate(), files.privateKey(), files.authority(),
                dir.resolve("state").resolve(CertificateAuthority.KEY_FILE))) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
                    .isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ca.pem")))).isEqualTo("rw-r--r--");
        assertThat(openssl("verify", "-CAfile", dir.resolve("ca.pem").toString(), "-verify_ip", "10.0.0.9",
                files.certificate().toString())).doesNotContain(": OK");
    }

    @Test
    void eachInstanceGetsItsOwnKeyAndReissuingReplacesIt() throws Exception {
        CertificateAuthority authority = CertificateAuthority.loadOrCreate(dir.resolve("state"), dir.resolve("ca.pem"));
        Path one = Files.createDirectory(dir.resolve("one"));
        Path two = Files.createDirectory(dir.resolve("two"));

        String first = Files.readString(authority.issue(one, "one", "127.0.0.1").privateKey());
        String second = Files.readString(authority.issue(two, "two", "127.0.0.1").privateKey());
        String again = Files.readString(authority.issue(one, "one", "db.example.net").privateKey());

        assertThat(first).isNotEqualTo(second).isNotEqualTo(again);
        assertThat(openssl("x509", "-in", one.resolve("tls-cert.pem").toString(), "-noout",
                "-ext", "subjectAltName")).contains("DNS:db.example.net", "DNS:localhost");
        try (var left = Files.list(one)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "tls-cert.pem", "tls-key.pem", "tls-ca.pem");
        }
    }

    @Test
    void anAuthorityMadeByOpensslIsKeptAndSigns() throws Exception {
        Path state = Files.createDirectory(dir.resolve("state"));
        Path key = state.resolve(CertificateAuthority.KEY_FILE);
        Path certificate = state.resolve(CertificateAuthority.CERTIFICATE_FILE);
        // the traditional "EC PRIVATE KEY" form, which older deployments and hand-made authorities have
        openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString());
        openssl("req", "-x509", "-new", "-key", key.toString(), "-out", certificate.toString(), "-days", "30",
                "-subj", "/O=Example/CN=Existing CA", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign");
        String before = Files.readString(certificate, UTF_8);

        CertificateAuthority authority = CertificateAuthority.loadOrCreate(state, dir.resolve("ca.pem"));
        TlsFiles files = authority.issue(Files.createDirectory(dir.resolve("conf")), "kept", "127.0.0.1");

        assertThat(authority.certificatePem()).isEqualTo(before);
        assertThat(Files.readString(dir.resolve("ca.pem"), UTF_8)).isEqualTo(before);
        assertThat(openssl("verify", "-CAfile", certificate.toString(), files.certificate().toString())).endsWith(": OK");
    }

    private static String openssl(String... arguments) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("openssl"));
        argv.addAll(List.of(arguments));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("openssl finished").isTrue();
        if (!arguments[0].equals("verify")) {
            assertThat(process.exitValue()).as("openssl %s: %s", arguments[0], output).isZero();
        }
        return output;
    }
}
