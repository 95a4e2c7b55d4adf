package io.reddwarf.agent;

import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What makes a command apply once although it may be delivered many times: before a command runs
 * the agent writes {@code <id>.started}; when it ends, {@code <id>.result} (atomically, forced to
 * disk). A delivery of a command with a result is answered from the journal; one that started but
 * has no result was interrupted by the agent's own crash. Entries are removed when the control
 * plane acknowledges the result.
 */
final class Journal {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path dir;

    Journal(Path dir) {
        this.dir = dir;
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the journal " + dir, e);
        }
    }

    static boolean validId(String id) {
        return id != null && ID.matcher(id).matches() && !id.contains("..");
    }

    /** Records that command {@code id} is about to run. */
    void begin(String id) {
        write(dir.resolve(id + ".started"), new byte[0]);
    }

    boolean started(String id) {
        return Files.exists(dir.resolve(id + ".started"));
    }

    /** Records how command {@code result.id()} ended; durable when this returns. */
    void finish(Result result) {
        try {
            write(dir.resolve(result.id() + ".result"), Protocol.json().writeValueAsBytes(result));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Optional<Result> result(String id) {
        Path file = dir.resolve(id + ".result");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Protocol.json().readValue(file.toFile(), Result.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Results not yet acknowledged, oldest first (after a restart, these are posted before anything else). */
    List<Result> unacknowledged() {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> results = files.filter(p -> p.getFileName().toString().endsWith(".result"))
                    .sorted((a, b) -> {
                        try {
                            return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
                        } catch (IOException e) {
                            return a.compareTo(b);
                        }
                    })
                    .toList();
            List<Result> out = new ArrayList<>();
            for (Path file : results) {
                String name = file.getFileName().toString();
                result(name.substring(0, name.length() - ".result".length())).ifPresent(out::add);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Forgets an acknowledged command. */
    void forget(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".result"));
            Files.deleteIfExists(dir.resolve(id + ".started"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path target, byte[] content) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                channel.write(java.nio.ByteBuffer.wrap(content));
                channel.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel parent = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
                parent.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }
}
