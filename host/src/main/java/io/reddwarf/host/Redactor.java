package io.reddwarf.host;

import io.reddwarf.spi.Secret;
import java.util.Comparator;
import java.util.List;

/** Replaces secret values in text by {@code ******}. */
final class Redactor {
    static final String MASK = "******";

    private final List<String> values;

    Redactor(List<Secret> secrets) {
        // Longest first, so a secret that contains another is masked whole.
        this.values = secrets.stream()
                .map(Secret::value)
                .distinct()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String value : values) {
            result = result.replace(value, MASK);
        }
        return result;
    }

    List<String> redact(List<String> texts) {
        return texts.stream().map(this::redact).toList();
    }
}
