package io.reddwarf.tck;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A TCK test of the backup section: backup and restore (placeholder: fails while BACKUP is claimed). Tagged {@code tck-backup}, so a driver's
 * CI can run the section alone, e.g. {@code ./mvnw verify -Dgroups=tck-backup}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("tck-backup")
@Test
public @interface Backup {}
