package io.reddwarf.tck;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A TCK test of the admin section: databases, users, grants and root, claimed or not. Tagged {@code tck-admin}, so a driver's
 * CI can run the section alone, e.g. {@code ./mvnw verify -Dgroups=tck-admin}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("tck-admin")
@Test
public @interface Admin {}
