/**
 * The Reddwarf service provider interfaces.
 *
 * <p>A datastore driver implements {@link io.reddwarf.spi.Datastore} and registers it in
 * {@code META-INF/services/io.reddwarf.spi.Datastore}; the control plane finds it with
 * {@link java.util.ServiceLoader}. Backup, replication and configuration support are separate
 * service types ({@link io.reddwarf.spi.BackupStrategy}, {@link io.reddwarf.spi.ReplicationStrategy},
 * {@link io.reddwarf.spi.ConfigRenderer}) so they can ship in their own jars.
 *
 * <p>This package depends on the JDK and slf4j-api only. Everything a driver needs from its
 * environment arrives through {@link io.reddwarf.spi.InstanceContext}.
 */
package io.reddwarf.spi;
