package io.reddwarf.server.api;

import io.reddwarf.core.ReddwarfException;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Trove's paging of lists: pages of at most {@link #PAGE_SIZE} items ({@code limit} asks for fewer;
 * more is capped, as Trove caps it), each followed by a {@code next} link that carries the
 * {@code marker} (the key of the last item shown) while more remain. A page starts after its
 * marker's place in the list's order, so a marker whose item was deleted since keeps its place:
 * nothing is skipped or shown twice. The link is built from the request's own scheme, host and path.
 */
final class Pages {
    /** Trove's default page size ({@code instances_page_size} and its siblings). */
    static final int PAGE_SIZE = 20;

    private Pages() {
    }

    /**
     * How a list is ordered, and where the page after a marker starts.
     *
     * @param markerOf an item's key, as clients pass it back in {@code marker}
     * @param after    for the list and a marker, which items come after the marker's place; empty
     *                 when the marker names nothing the list knows
     */
    record Order<T>(Function<T, String> markerOf, Comparator<T> comparator,
            BiFunction<List<T>, String, Optional<Predicate<T>>> after) {

        /**
         * Ordered by name (databases, users): a page starts after the names up to the marker's,
         * whether or not an item of that name still exists.
         */
        static <T> Order<T> byName(Function<T, String> name) {
            return new Order<>(name, Comparator.comparing(name),
                    (all, marker) -> Optional.of(item -> name.apply(item).compareTo(marker) > 0));
        }

        /**
         * Oldest first, by creation time and id (rows of the state store): a page starts after the
         * marker's row, which {@code createdOf} finds also once it is deleted; a marker that names no
         * row of the list's scope, live or deleted, names nothing.
         */
        static <T> Order<T> byCreation(Function<T, String> id, Function<T, Instant> created,
                Function<String, Optional<Instant>> createdOf) {
            return new Order<>(id, Comparator.comparing(created).thenComparing(id), (all, marker) -> all.stream()
                    .filter(item -> id.apply(item).equals(marker)).findFirst().map(created)
                    .or(() -> createdOf.apply(marker))
                    .map(markerCreated -> item -> {
                        int byTime = created.apply(item).compareTo(markerCreated);
                        return byTime > 0 || (byTime == 0 && id.apply(item).compareTo(marker) > 0);
                    }));
        }
    }

    /**
     * @param key    the list's name in the document, e.g. {@code "databases"}
     * @param all    every item of the list
     * @param render an item's JSON view
     * @param what   what a marker must name, for the error message, e.g. "an instance of this project"
     */
    static <T> Map<String, Object> page(String key, List<T> all, Order<T> order, Function<T, Object> render,
            String limit, String marker, UriInfo uriInfo, String what) {
        int size = size(limit);
        List<T> sorted = new ArrayList<>(all);
        sorted.sort(order.comparator());
        int from = 0;
        if (marker != null && !marker.isEmpty()) {
            Predicate<T> after = order.after().apply(sorted, marker).orElseThrow(() -> ReddwarfException.badRequest(
                    "The marker " + marker + " is not " + what + "."));
            while (from < sorted.size() && !after.test(sorted.get(from))) {
                from++;
            }
        }
        int to = Math.min(sorted.size(), from + size);
        List<T> page = sorted.subList(from, to);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(key, page.stream().map(render).toList());
        if (to < sorted.size() && !page.isEmpty()) {
            body.put("links", List.of(new Views.Link(next(uriInfo, order.markerOf().apply(page.getLast())), "next")));
        }
        return body;
    }

    /** The request's own address with its query, {@code marker} replaced (values encoded here, never read as templates). */
    private static String next(UriInfo uriInfo, String marker) {
        StringBuilder query = new StringBuilder();
        uriInfo.getQueryParameters().forEach((name, values) -> {
            if (!name.equals("marker")) {
                values.forEach(value -> append(query, name, value));
            }
        });
        append(query, "marker", marker);
        return uriInfo.getAbsolutePath().toString() + "?" + query;
    }

    private static void append(StringBuilder query, String name, String value) {
        if (!query.isEmpty()) {
            query.append('&');
        }
        query.append(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)).append('=')
                .append(java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The page size {@code limit} asks for: a positive whole number, at most {@link #PAGE_SIZE}. */
    private static int size(String limit) {
        if (limit == null || limit.isEmpty()) {
            return PAGE_SIZE;
        }
        if (!limit.matches("[0-9]{1,100}") || limit.matches("0+")) {
            throw ReddwarfException.badRequest("The limit must be a positive integer.");
        }
        return limit.length() > 6 ? PAGE_SIZE : Math.min(PAGE_SIZE, Integer.parseInt(limit));
    }
}
