package io.reddwarf.tck;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A TCK test of the lifecycle section: prepare, start, status, stop, restart and destroy against a real engine. Tagged {@code tck-lifecycle}, so a driver's
 * CI can run the section alone, e.g. {@code ./mvnw verify -Dgroups=tck-lifecycle}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag("tck-lifecycle")
@Test
public @interface Lifecycle {}
