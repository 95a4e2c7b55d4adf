package io.reddwarf.server.api;

import io.reddwarf.core.ReddwarfException;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Trove's paging of lists: without {@code limit} the whole list; with it one page, followed by a
 * {@code next} link that carries the {@code marker} (the key of the last item shown) when more
 * remain. The link is built from the request's own scheme, host and path.
 */
final class Pages {
    private Pages() {
    }

    /**
     * @param key      the list's name in the document, e.g. {@code "databases"}
     * @param all      every item, in the list's order
     * @param markerOf an item's key, as clients pass it back in {@code marker}
     * @param render   an item's JSON view
     * @param what     what a marker must name, for the error message, e.g. "a database of this instance"
     */
    static <T> Map<String, Object> page(String key, List<T> all, Function<T, String> markerOf,
            Function<T, Object> render, String limit, String marker, UriInfo uriInfo, String what) {
        int from = 0;
        if (marker != null && !marker.isEmpty()) {
            from = -1;
            for (int i = 0; i < all.size(); i++) {
                if (markerOf.apply(all.get(i)).equals(marker)) {
                    from = i + 1;
                }
            }
            if (from < 0) {
                throw ReddwarfException.badRequest("The marker " + marker + " is not " + what + ".");
            }
        }
        int to = all.size();
        if (limit != null) {
            if (!limit.matches("[0-9]{1,6}") || Integer.parseInt(limit) == 0) {
                throw ReddwarfException.badRequest("The limit must be a positive integer.");
            }
            to = Math.min(all.size(), from + Integer.parseInt(limit));
        }
        List<T> page = all.subList(from, to);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(key, page.stream().map(render).toList());
        if (to < all.size() && !page.isEmpty()) {
            String next = uriInfo.getAbsolutePathBuilder()
                    .replaceQuery(null)
                    .queryParam("limit", limit)
                    .queryParam("marker", markerOf.apply(page.getLast()))
                    .build()
                    .toString();
            body.put("links", List.of(new Views.Link(next, "next")));
        }
        return body;
    }
}
