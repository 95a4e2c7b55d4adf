package io.reddwarf.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;

final class PluginsTest {

    @Test
    void brokenProvidersAreReportedAndTheOthersStillLoad() {
        List<Throwable> skipped = new ArrayList<>();
        Iterator<String> providers = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next == 3) {
                    next++;
                    throw new ServiceConfigurationError("Provider com.example.Missing not found");
                }
                return next < 6;
            }

            @Override
            public String next() {
                int at = next++;
                return switch (at) {
                    case 1 -> throw new ServiceConfigurationError("Provider com.example.Throws could not be instantiated");
                    case 2 -> throw new NoClassDefFoundError("com/example/Gone");
                    case 5 -> throw new IllegalStateException("constructor failed");
                    case 0, 4 -> "loaded-" + at;
                    default -> throw new NoSuchElementException();
                };
            }
        };

        List<String> loaded = Plugins.load(providers, skipped::add);

        assertThat(loaded).containsExactly("loaded-0", "loaded-4");
        assertThat(skipped).extracting(Throwable::getMessage).containsExactly(
                "Provider com.example.Throws could not be instantiated", "com/example/Gone",
                "Provider com.example.Missing not found", "constructor failed");
    }

    @Test
    void theSpiItselfDeclaresNoProviders() {
        List<Throwable> skipped = new ArrayList<>();

        assertThat(Plugins.load(Datastore.class, PluginsTest.class.getClassLoader(), skipped::add)).isEmpty();
        assertThat(skipped).isEmpty();
    }
}
