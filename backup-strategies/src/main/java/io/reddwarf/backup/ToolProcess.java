package io.reddwarf.backup;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reddwarf.spi.DatastoreException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a backup tool with one of its standard streams connected to a Java stream on the calling
 * thread. Standard error goes to a file in a directory of the instance and its tail is reported if
 * the tool fails; arguments never carry secrets (tools read credentials from option files).
 */
final class ToolProcess {
    private static final int TAIL_LINES = 10;

    private ToolProcess() {}

    /** Runs {@code argv} and copies its standard output to {@code sink}. */
    static void readFrom(List<String> argv, Path workDir, Path stderrFile, OutputStream sink, String what) {
        run(argv, workDir, stderrFile, what, process -> {
            process.getOutputStream().close();
            try (InputStream out = process.getInputStream()) {
                out.transferTo(sink);
            }
        });
    }

    /**
     * Runs {@code argv} with {@code source} as its standard input. An unchecked exception thrown by
     * {@code source} kills the tool before its input is closed and is rethrown.
     */
    static void writeTo(List<String> argv, Path workDir, Path stderrFile, InputStream source, String what) {
        run(argv, workDir, stderrFile, what, process -> {
            try (OutputStream in = process.getOutputStream()) {
                try {
                    source.transferTo(in);
                } catch (RuntimeException e) {
                    // the source turned out unusable: kill the tool before it sees the end of its input
                    process.destroyForcibly();
                    throw e;
                }
            }
        });
    }

    private interface Pump {
        void pump(Process process) throws IOException;
    }

    private static void run(List<String> argv, Path workDir, Path stderrFile, String what, Pump pump) {
        Process process;
        try {
            Files.deleteIfExists(stderrFile);
            process = new ProcessBuilder(argv)
                    .directory(workDir.toFile())
                    .redirectError(stderrFile.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new DatastoreException("Could not run " + program(argv) + " to " + what + ": " + e.getMessage(), e);
        }
        boolean done = false;
        try {
            IOException pumpFailure = null;
            try {
                pump.pump(process);
            } catch (IOException e) {
                pumpFailure = e;
            }
            if (pumpFailure != null && process.isAlive()) {
                process.destroyForcibly();
            }
            int exit = process.waitFor();
            if (exit != 0) {
                throw new DatastoreException(program(argv) + " failed to " + what + " (exit code " + exit + "): "
                        + tail(stderrFile), pumpFailure);
            }
            if (pumpFailure != null) {
                throw new DatastoreException("Could not " + what + ": " + pumpFailure.getMessage(), pumpFailure);
            }
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatastoreException("Interrupted while waiting for " + program(argv) + " to " + what + ".", e);
        } finally {
            if (!done && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The program's file name: tools may be given by their full path. */
    private static String program(List<String> argv) {
        Path program = Path.of(argv.get(0)).getFileName();
        return program == null ? argv.get(0) : program.toString();
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())).strip();
        } catch (IOException e) {
            return "(no error output)";
        }
    }
}
