/**
 * The driver TCK: a JUnit 5 suite every datastore driver runs to prove it implements the SPI.
 *
 * <p>A driver's test class extends {@link io.reddwarf.tck.DatastoreTck}, returns the driver, the
 * capabilities it claims, the engine it needs and an {@link io.reddwarf.tck.EngineClient} that
 * reads and writes data through the engine's own client. The TCK runs every lifecycle operation
 * against a real engine in a {@link io.reddwarf.tck.TckInstanceContext}, and the sections tagged
 * {@link io.reddwarf.tck.Lifecycle}, {@link io.reddwarf.tck.Admin}, {@link io.reddwarf.tck.Backup},
 * {@link io.reddwarf.tck.Configuration} and {@link io.reddwarf.tck.Replication} can be run alone
 * with JUnit tag filters ({@code -Dgroups=tck-admin}).
 *
 * <p>The TCK depends on the SPI, JUnit Jupiter's API and AssertJ only.
 */
package io.reddwarf.tck;
