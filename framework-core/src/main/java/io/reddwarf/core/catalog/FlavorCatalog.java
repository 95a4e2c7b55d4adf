package io.reddwarf.core.catalog;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ReddwarfException;
import io.reddwarf.spi.Flavor;
import java.util.List;

/** The flavors from the local configuration. */
public final class FlavorCatalog {
    private final List<Flavor> flavors;

    public FlavorCatalog(List<Flavor> flavors) {
        this.flavors = List.copyOf(requireNonNull(flavors, "flavors is null"));
    }

    /** All flavors in configuration order. */
    public List<Flavor> list() {
        return flavors;
    }

    /** @throws ReddwarfException 404 if no flavor has this id */
    public Flavor get(String id) {
        return flavors.stream()
                .filter(f -> f.id().equals(id))
                .findFirst()
                .orElseThrow(() -> ReddwarfException.notFound("Flavor " + id + " could not be found."));
    }
}
