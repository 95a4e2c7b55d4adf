package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Trove's pages on a list with more than a page of items (configuration groups: rows only, no
 * engines): the default page size, next links, a marker whose item was deleted, caps and refusals.
 */
final class PaginationTest {
    static LiveServer live;
    static final List<String> created = new ArrayList<>();

    @BeforeAll
    static void start() {
        live = new LiveServer("pages", 36960, 36969);
        for (int i = 0; i < 23; i++) {
            Http.Answer answer = live.http.post(groups(), "{\"configuration\": {\"name\": \"g" + i + "\", \"values\": {},"
                    + " \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}}}");
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            created.add(answer.json().get("configuration").get("id").asText());
        }
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static String groups() {
        return "/v1.0/" + live.project + "/configurations";
    }

    private static List<String> ids(JsonNode page) {
        return page.get("configurations").findValuesAsText("id");
    }

    /** The path of a page's next link, which must be the request's own address. */
    private static String next(JsonNode page) {
        JsonNode link = page.get("links").get(0);
        assertThat(link.get("rel").asText()).isEqualTo("next");
        String href = link.get("href").asText();
        assertThat(href).startsWith(live.server.baseUri() + "v1.0/" + live.project + "/configurations?");
        return href.substring(live.server.baseUri().toString().length() - 1);
    }

    @Test
    void withoutALimitAPageHoldsTwentyAndTheNextLinkLeadsThroughTheRestOnce() {
        JsonNode first = live.http.get(groups()).json();
        assertThat(ids(first)).hasSize(20);
        String next = next(first);
        assertThat(next).contains("marker=" + ids(first).getLast());
        JsonNode second = live.http.get(next).json();
        assertThat(second.has("links")).as("the last page").isFalse();
        List<String> all = new ArrayList<>(ids(first));
        all.addAll(ids(second));
        assertThat(all).as("every group once, oldest first").containsExactlyElementsOf(created);
    }

    @Test
    void aLimitIsKeptInTheNextLinkAndAHugeOneIsCappedAtTheDefault() {
        JsonNode page = live.http.get(groups() + "?limit=7").json();
        assertThat(ids(page)).hasSize(7);
        assertThat(next(page)).contains("limit=7").contains("marker=" + ids(page).getLast());
        assertThat(ids(live.http.get(groups() + "?limit=99999999999999999999").json())).hasSize(20);
        assertThat(ids(live.http.get(groups() + "?limit=1000").json())).hasSize(20);
    }

    @Test
    void aLimitAboveWhatRemainsEndsTheList() {
        JsonNode page = live.http.get(groups() + "?limit=20&marker=" + created.get(17)).json();
        assertThat(ids(page)).containsExactlyElementsOf(created.subList(18, created.size()));
        assertThat(page.has("links")).isFalse();
    }

    @Test
    void aMarkerWhoseItemWasDeletedKeepsItsPlace() {
        String gone = live.http.post(groups(), "{\"configuration\": {\"name\": \"doomed\", \"values\": {},"
                + " \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}}}").json().get("configuration")
                .get("id").asText();
        String after = live.http.post(groups(), "{\"configuration\": {\"name\": \"after\", \"values\": {},"
                + " \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}}}").json().get("configuration")
                .get("id").asText();
        assertThat(live.http.delete(groups() + "/" + gone).status()).isEqualTo(202);

        JsonNode page = live.http.get(groups() + "?limit=1&marker=" + gone).json();
        assertThat(ids(page)).containsExactly(after);
        assertThat(live.http.delete(groups() + "/" + after).status()).isEqualTo(202);
    }

    @Test
    void aLimitThatIsNotAPositiveWholeNumberOrAMarkerOfNothingHereIsRefused() {
        for (String limit : List.of("0", "-1", "x", "1.5")) {
            assertError(live.http.get(groups() + "?limit=" + limit), "The limit must be a positive integer.");
        }
        assertError(live.http.get(groups() + "?marker=nope"), "The marker nope is not a configuration group of this project.");
        // another project's group is answered as one that exists nowhere
        Http admin = live.http.withToken(live.server.credentials().adminToken());
        String adminGroups = "/v1.0/" + live.server.credentials().adminProject() + "/configurations";
        assertError(admin.get(adminGroups + "?marker=" + created.getFirst()), "The marker " + created.getFirst()
                + " is not a configuration group of this project.");
    }

    private static void assertError(Http.Answer answer, String message) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("badRequest").get("message").asText()).isEqualTo(message);
    }
}
