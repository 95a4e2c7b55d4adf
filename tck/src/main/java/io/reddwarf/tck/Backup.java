package io.reddwarf.tck;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A TCK test of the backup section: which strategies support the driver's datastore, and (for
 * each claimed one, as dynamic tests of the same tag) full and incremental backups restored into
 * fresh instances. Tagged {@code tck-backup}, so a driver's CI can run the section alone, e.g.
 * {@code ./mvnw verify -Dgroups=tck-backup}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("tck-backup")
@Test
public @interface Backup {}
