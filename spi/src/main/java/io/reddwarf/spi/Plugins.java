package io.reddwarf.spi;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * Loads the implementations of a service interface ({@link Datastore}, {@link BackupStrategy},
 * {@link ConfigRenderer}, {@link ReplicationStrategy}) through {@link ServiceLoader}, tolerating
 * broken ones: a jar whose service entry names a missing class, a provider whose constructor
 * throws, or one compiled against classes that are not there is reported to {@code skipped} and
 * left out, and the others still load. A deployment with one broken plugin keeps its other
 * datastores.
 */
public final class Plugins {
    private Plugins() {}

    /** Every implementation of {@code service} visible to {@code loader} that loads. */
    public static <S> List<S> load(Class<S> service, ClassLoader loader, Consumer<Throwable> skipped) {
        requireNonNull(service, "service is null");
        return load(ServiceLoader.load(service, loader).iterator(), skipped);
    }

    /** Every provider {@code providers} yields without failing; the failures go to {@code skipped}. */
    public static <S> List<S> load(Iterator<S> providers, Consumer<Throwable> skipped) {
        requireNonNull(providers, "providers is null");
        requireNonNull(skipped, "skipped is null");
        List<S> found = new ArrayList<>();
        while (true) {
            try {
                if (!providers.hasNext()) {
                    return found;
                }
                found.add(providers.next());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                skipped.accept(e);
            }
        }
    }
}
