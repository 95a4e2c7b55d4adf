package io.reddwarf.backup;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.spi.BackupStrategy.BackupMetadata;
import io.reddwarf.spi.DatastoreException;
import io.reddwarf.spi.DatastoreVersion;
import io.reddwarf.spi.Flavor;
import io.reddwarf.tck.TckInstanceContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The script format and tool lookup of the logical strategies, with a shell script standing in for the client. */
final class LogicalDumpTest {
    @TempDir
    Path dir;

    private TckInstanceContext context;
    private Path received;
    private String client;

    @BeforeEach
    void setUp() throws IOException {
        context = TckInstanceContext.create("i-1", new DatastoreVersion("8.0", "8.0.33"), new Flavor("1", "tiny", 512, 1, 1),
                dir.resolve("home"), dir.resolve("template"), "127.0.0.1", 1);
        received = dir.resolve("received.sql");
        client = executable(dir.resolve("client"), "#!/bin/sh\ncat > '" + received + "'\n").toString();
    }

    @Test
    void aWholeScriptIsReplayed() throws IOException {
        byte[] script = script();

        LogicalDump.restore(context, client, LogicalDump.metadata("test"), new ByteArrayInputStream(script));

        assertThat(Files.readAllBytes(received)).isEqualTo(script);
    }

    @Test
    void aScriptCutOffBetweenTwoStatementsFails() throws IOException {
        byte[] script = script();
        byte[] cut = Arrays.copyOf(script, new String(script, UTF_8).indexOf("INSERT"));

        assertThatThrownBy(() -> LogicalDump.restore(context, client, LogicalDump.metadata("test"), new ByteArrayInputStream(cut)))
                .isInstanceOf(DatastoreException.class)
                .hasMessage("The backup ends early: its last line is not '-- reddwarf: end of backup'.");
    }

    @Test
    void anEmptyStreamFails() {
        assertThatThrownBy(() -> LogicalDump.restore(context, client, LogicalDump.metadata("test"), new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(DatastoreException.class)
                .hasMessageStartingWith("The backup ends early");
    }

    @Test
    void aScriptOfABackupMadeWithoutTheEndLineIsReplayedAsItIs() throws IOException {
        byte[] old = "CREATE TABLE t (v TEXT);\n".getBytes(UTF_8);

        LogicalDump.restore(context, client, new BackupMetadata("mariadb-dump", Map.of("format", "sql")),
                new ByteArrayInputStream(old));

        assertThat(Files.readAllBytes(received)).isEqualTo(old);
    }

    @Test
    void toolsComeFromTheDirectoryTheOptionFileNames() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("mysqldump"), "#!/bin/sh\n");
        Files.writeString(context.confDir().resolve("client.cnf"),
                "[client]\nuser=admin\npassword=x\n\n[reddwarf]\nbin-dir=" + bin + "\n", UTF_8);

        assertThat(LogicalDump.tool(context, "mysqldump")).isEqualTo(bin.resolve("mysqldump").toString());
        assertThat(LogicalDump.tool(context, "mysql")).as("a program missing there").isEqualTo("mysql");
    }

    @Test
    void toolsComeFromPathWithoutADirectory() throws IOException {
        Files.writeString(context.confDir().resolve("client.cnf"), "[client]\nuser=admin\n", UTF_8);

        assertThat(LogicalDump.tool(context, "mysqldump")).isEqualTo("mysqldump");
    }

    private static byte[] script() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("CREATE TABLE t (v TEXT);\nINSERT INTO t VALUES ('Grüße 😀');\n".getBytes(UTF_8));
        LogicalDump.writeEnd(out);
        return out.toByteArray();
    }

    private static Path executable(Path file, String content) throws IOException {
        Files.writeString(file, content, UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
