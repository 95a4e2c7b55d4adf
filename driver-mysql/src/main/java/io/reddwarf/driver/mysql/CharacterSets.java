package io.reddwarf.driver.mysql;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.InvalidRequestException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The character sets and collations an engine knows, and the check of a database's against them.
 * Names are compared without regard to case; {@code utf8} means {@code utf8mb3}, as it does in the
 * engine. The lists come from a running engine ({@code information_schema.COLLATIONS}) or, before
 * any engine runs, from the copy shipped with the driver for the version:
 * {@code <type>-<version>.collations}.
 *
 * @param characterSets the character sets, lower case
 * @param collations each collation, lower case, with its character set
 */
record CharacterSets(Set<String> characterSets, Map<String, String> collations) {
    CharacterSets {
        characterSets = Set.copyOf(requireNonNull(characterSets, "characterSets is null"));
        collations = Map.copyOf(requireNonNull(collations, "collations is null"));
    }

    /** From rows of (character set, collation), as {@code information_schema.COLLATIONS} lists them. */
    static CharacterSets of(List<List<String>> rows) {
        Set<String> characterSets = new HashSet<>();
        Map<String, String> collations = new HashMap<>();
        for (List<String> row : rows) {
            String characterSet = row.get(0).toLowerCase(Locale.ROOT);
            characterSets.add(characterSet);
            collations.put(row.get(1).toLowerCase(Locale.ROOT), characterSet);
        }
        return new CharacterSets(characterSets, collations);
    }

    /** The list shipped for a version of a datastore, if the driver has one. */
    static Optional<CharacterSets> shipped(String type, String versionName) {
        String resource = type + "-" + versionName + ".collations";
        try (InputStream in = CharacterSets.class.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, UTF_8));
            return Optional.of(of(reader.lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .map(line -> List.of(line.split("\\s+")))
                    .toList()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /**
     * Checks each database's character set and collation.
     *
     * @throws InvalidRequestException naming the first one this engine does not know, or a collation
     *     of another character set than the one asked for
     */
    void check(List<DatabaseSpec> databases) {
        for (DatabaseSpec database : databases) {
            Optional<String> characterSet = database.characterSet().map(cs -> listedName(cs, characterSets::contains));
            if (characterSet.isPresent() && !characterSets.contains(characterSet.get())) {
                throw new InvalidRequestException("Character set '" + database.characterSet().get()
                        + "' is not supported by the engine.");
            }
            if (database.collation().isPresent()) {
                String owner = collations.get(listedName(database.collation().get(), collations::containsKey));
                if (owner == null) {
                    throw new InvalidRequestException("Collation '" + database.collation().get()
                            + "' is not supported by the engine.");
                }
                if (characterSet.isPresent() && !owner.equals(characterSet.get())) {
                    throw new InvalidRequestException("Collation '" + database.collation().get()
                            + "' does not belong to character set '" + database.characterSet().get() + "'.");
                }
            }
        }
    }

    /**
     * The lower-case name as the engine lists it: engines that list {@code utf8mb3} instead of
     * {@code utf8} still accept {@code utf8} and {@code utf8_*} as aliases.
     */
    private static String listedName(String name, Predicate<String> listed) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (listed.test(lower)) {
            return lower;
        }
        if (lower.equals("utf8")) {
            return "utf8mb3";
        }
        return lower.startsWith("utf8_") ? "utf8mb3_" + lower.substring(5) : lower;
    }
}
