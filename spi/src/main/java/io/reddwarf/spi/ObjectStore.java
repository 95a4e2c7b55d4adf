package io.reddwarf.spi;

import java.io.Closeable;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Where backups are kept: named, immutable objects written once as a stream. Keys are relative
 * paths of letters, digits, {@code .}, {@code _}, {@code -} and {@code /}. Implementations are
 * thread-safe; one object is written by one thread.
 */
public interface ObjectStore {

    /**
     * Starts writing object {@code key}. Nothing is visible under {@code key} until
     * {@link Upload#commit()} returns; closing an upload that was not committed removes what it wrote.
     */
    Upload create(String key);

    /**
     * Reads object {@code key}.
     *
     * @throws java.util.NoSuchElementException if there is no such object
     */
    InputStream open(String key);

    /** The size of object {@code key}, empty if there is none. */
    OptionalLong size(String key);

    /** Removes object {@code key}; does nothing if there is none. */
    void delete(String key);

    /** One object being written. */
    interface Upload extends Closeable {
        /** Where the bytes go; closing it does not commit. */
        OutputStream stream();

        /** Makes the object durable and visible under its key. */
        void commit();

        /**
         * The bytes of this upload read back from the store as they become durable, behind the
         * writer: a read waits for more bytes until the upload is committed and then ends at its
         * last byte; it fails once the upload is closed without a commit. Lets a reader verify the
         * stored bytes while the rest is still being written. Empty if the store cannot read an
         * object before it is committed; such an object is read back after the commit.
         */
        default Optional<InputStream> readBack() {
            return Optional.empty();
        }

        /** Removes what was written unless committed. Never throws. */
        @Override
        void close();
    }

    /**
     * Checks that {@code key} is acceptable.
     *
     * @throws IllegalArgumentException if not
     */
    static String checkKey(String key) {
        if (key == null || !key.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*") || key.contains("..")) {
            throw new IllegalArgumentException("invalid object key: " + key);
        }
        return key;
    }
}
