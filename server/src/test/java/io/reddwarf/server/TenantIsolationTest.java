package io.reddwarf.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.server.api.RateLimiter;
import jakarta.ws.rs.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two member projects on one live Reddwarf: A (the demo project) owns an instance with a database
 * and a user, a configuration group, a completed backup and backup strategies; B, created with
 * {@code project create} while the server runs, owns one instance. B's token then drives every route
 * of the API at A's resources: with A's project in the URL every route is 403; with B's project in
 * the URL and A's ids in the path, the query or the body every route is 404 exactly as for ids that
 * exist nowhere, an administrators' route 403, and a list shows B's own things only. No answer is
 * a 5xx, and none carries a name or id of A's that the request did not. Afterwards A's resources
 * are as they were.
 *
 * <p>The routes come from the application's own Jersey resource model; {@link #ROUTES} says how
 * each is exercised, and a route without an entry fails {@link #everyRouteOfTheApplicationIsInTheTable}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
final class TenantIsolationTest {
    static final String FORBIDDEN = AuthTest.FORBIDDEN;
    static final String ADMIN_ONLY = "This operation is reserved for administrators.";
    static final Duration BUILD_TIMEOUT = Duration.ofSeconds(180);
    private static final Pattern UNFILLED = Pattern.compile("\\{[a-z_]+\\}");

    /** What B's token gets with B's own project in the URL and A's ids elsewhere. */
    enum Expect {
        /** 404 itemNotFound, answered exactly as for ids that exist nowhere. */
        NOT_FOUND,
        /** 403 forbidden: an administrators' route, or another project named in the body or the query. */
        ADMIN_ONLY,
        /** 2xx with B's own things only; with A's ids in a filter, answered as for ids that exist nowhere. */
        OWN,
        /** 400 for an id that is not B's (a list's marker), answered as for an id that exists nowhere. */
        REFUSED,
        /** The route takes no id: the project in the URL is all that could name A's, and that is the 403 probe. */
        NO_REFERENCE,
        /** The version documents: no project, no token needed. */
        PUBLIC
    }

    /**
     * One way to call a route: values for its path parameters beyond the defaults (placeholders such
     * as {@code {b_instance}} allowed), a query and a body, with placeholders filled from A's values.
     */
    record Probe(Expect expect, Map<String, String> params, String query, String body) {
        static Probe of(Expect expect) {
            return new Probe(expect, Map.of(), "", null);
        }

        Probe param(String name, String value) {
            Map<String, String> more = new HashMap<>(params);
            more.put(name, value);
            return new Probe(expect, Map.copyOf(more), query, body);
        }

        Probe query(String text) {
            return new Probe(expect, params, text, body);
        }

        Probe body(String json) {
            return new Probe(expect, params, query, json);
        }
    }

    static final Probe NOT_FOUND = Probe.of(Expect.NOT_FOUND);
    static final Probe ADMIN = Probe.of(Expect.ADMIN_ONLY);
    static final Probe OWN = Probe.of(Expect.OWN);
    static final Probe NO_REFERENCE = Probe.of(Expect.NO_REFERENCE);
    static final Probe PUBLIC = Probe.of(Expect.PUBLIC);

    static final String CREATE_FROM_A_BACKUP = "{\"instance\": {\"name\": \"b-restored\", \"flavorRef\": \"1\", "
            + "\"volume\": {\"size\": 1}, \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}, "
            + "\"restorePoint\": {\"backupRef\": \"{backup_id}\"}}}";
    static final String CREATE_WITH_A_GROUP = "{\"instance\": {\"name\": \"b-tuned\", \"flavorRef\": \"1\", "
            + "\"volume\": {\"size\": 1}, \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}, "
            + "\"configuration\": \"{id}\"}}";
    static final String GROUP_VALUES = "{\"configuration\": {\"values\": {\"max_connections\": 500}}}";
    static final String PARAMETER = "{\"configuration-parameter\": {\"name\": \"max_connections\", \"data_type\": "
            + "\"integer\", \"min_size\": 10, \"max_size\": 100, \"restart_required\": false}}";

    /** How each route of the application is exercised, keyed by method and path template. */
    static final Map<String, List<Probe>> ROUTES = routes();

    private static Map<String, List<Probe>> routes() {
        Map<String, List<Probe>> t = new LinkedHashMap<>();
        String v = "/v1.0/{project_id}";
        route(t, "GET /", PUBLIC);
        route(t, "GET /v1.0", PUBLIC);

        route(t, "GET " + v + "/datastores", OWN);
        route(t, "GET " + v + "/datastores/{datastore}", OWN);
        route(t, "GET " + v + "/datastores/{datastore}/versions", OWN);
        route(t, "GET " + v + "/datastores/{datastore}/versions/{version}", OWN);
        route(t, "GET " + v + "/datastores/{datastore}/versions/{version}/flavors", OWN);
        route(t, "GET " + v + "/datastores/versions/{version_id}", OWN);
        route(t, "GET " + v + "/datastores/{datastore}/versions/{version}/parameters", OWN);
        route(t, "GET " + v + "/datastores/{datastore}/versions/{version}/parameters/{name}",
                OWN.param("name", "max_connections"));
        route(t, "GET " + v + "/datastores/versions/{version_id}/parameters", OWN);
        route(t, "GET " + v + "/datastores/versions/{version_id}/parameters/{name}",
                OWN.param("name", "max_connections"));
        route(t, "GET " + v + "/flavors", OWN);
        route(t, "GET " + v + "/flavors/{flavor_id}", OWN);
        route(t, "GET " + v + "/limits", OWN);
        route(t, "GET " + v + "/certificate_authority", OWN);

        route(t, "GET " + v + "/instances", OWN, Probe.of(Expect.REFUSED).query("marker={instance_id}"));
        route(t, "GET " + v + "/instances/detail", OWN, Probe.of(Expect.REFUSED).query("marker={instance_id}"));
        route(t, "POST " + v + "/instances", NOT_FOUND.body(CREATE_FROM_A_BACKUP), NOT_FOUND.body(CREATE_WITH_A_GROUP));
        route(t, "GET " + v + "/instances/{instance_id}", NOT_FOUND);
        route(t, "DELETE " + v + "/instances/{instance_id}", NOT_FOUND);
        for (String method : List.of("PUT", "PATCH")) {
            route(t, method + " " + v + "/instances/{instance_id}",
                    NOT_FOUND.body("{\"instance\": {\"name\": \"taken-by-b\"}}"),
                    NOT_FOUND.body("{\"instance\": {\"configuration\": null}}"),
                    NOT_FOUND.param("instance_id", "{b_instance}").body("{\"instance\": {\"configuration\": \"{id}\"}}"),
                    NOT_FOUND.param("instance_id", "{b_instance}").query("dry_run=true")
                            .body("{\"instance\": {\"configuration\": \"{id}\"}}"));
        }
        route(t, "POST " + v + "/instances/{instance_id}/action",
                NOT_FOUND.body("{\"restart\": {}}"),
                NOT_FOUND.body("{\"resize\": {\"volume\": {\"size\": 2}}}"),
                NOT_FOUND.body("{\"resize\": {\"flavorRef\": \"3\"}}"),
                ADMIN.body("{\"reset_status\": {}}"));
        route(t, "GET " + v + "/instances/{instance_id}/configuration", NOT_FOUND);
        route(t, "GET " + v + "/instances/{instance_id}/backups", NOT_FOUND);

        route(t, "GET " + v + "/instances/{instance_id}/databases", NOT_FOUND);
        route(t, "POST " + v + "/instances/{instance_id}/databases", NOT_FOUND.body("{\"databases\": [{\"name\": \"b_db\"}]}"));
        route(t, "DELETE " + v + "/instances/{instance_id}/databases/{name}", NOT_FOUND);
        route(t, "GET " + v + "/instances/{instance_id}/users", NOT_FOUND);
        route(t, "POST " + v + "/instances/{instance_id}/users",
                NOT_FOUND.body("{\"users\": [{\"name\": \"b_user\", \"password\": \"B-secret-pass1\"}]}"));
        route(t, "PUT " + v + "/instances/{instance_id}/users",
                NOT_FOUND.body("{\"users\": [{\"name\": \"{user}\", \"password\": \"B-stolen-pass1\"}]}"));
        route(t, "GET " + v + "/instances/{instance_id}/users/{user}", NOT_FOUND);
        route(t, "PUT " + v + "/instances/{instance_id}/users/{user}",
                NOT_FOUND.body("{\"user\": {\"password\": \"B-stolen-pass1\"}}"));
        route(t, "DELETE " + v + "/instances/{instance_id}/users/{user}", NOT_FOUND);
        route(t, "GET " + v + "/instances/{instance_id}/users/{user}/databases", NOT_FOUND);
        route(t, "PUT " + v + "/instances/{instance_id}/users/{user}/databases",
                NOT_FOUND.body("{\"databases\": [{\"name\": \"{database}\"}]}"));
        route(t, "DELETE " + v + "/instances/{instance_id}/users/{user}/databases/{database}", NOT_FOUND);
        route(t, "GET " + v + "/instances/{instance_id}/root", NOT_FOUND);
        route(t, "POST " + v + "/instances/{instance_id}/root", NOT_FOUND.body("{}"));
        route(t, "DELETE " + v + "/instances/{instance_id}/root", NOT_FOUND);

        route(t, "GET " + v + "/configurations", OWN);
        route(t, "POST " + v + "/configurations", NO_REFERENCE.body("{\"configuration\": {\"name\": \"b-group\", "
                + "\"values\": {\"max_connections\": 100}, \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}}}"));
        route(t, "GET " + v + "/configurations/{id}", NOT_FOUND);
        route(t, "GET " + v + "/configurations/{id}/instances", NOT_FOUND);
        route(t, "PUT " + v + "/configurations/{id}", NOT_FOUND.body(GROUP_VALUES),
                NOT_FOUND.query("dry_run=true").body(GROUP_VALUES));
        route(t, "PATCH " + v + "/configurations/{id}", NOT_FOUND.body(GROUP_VALUES),
                NOT_FOUND.query("dry_run=true").body(GROUP_VALUES));
        route(t, "DELETE " + v + "/configurations/{id}", NOT_FOUND);

        route(t, "GET " + v + "/backups", OWN, OWN.query("instance_id={instance_id}"));
        route(t, "POST " + v + "/backups",
                NOT_FOUND.body("{\"backup\": {\"name\": \"b-steal\", \"instance\": \"{instance_id}\"}}"),
                NOT_FOUND.body("{\"backup\": {\"name\": \"b-child\", \"instance\": \"{b_instance}\", "
                        + "\"parent_id\": \"{backup_id}\"}}"));
        route(t, "GET " + v + "/backups/{backup_id}", NOT_FOUND);
        route(t, "DELETE " + v + "/backups/{backup_id}", NOT_FOUND);

        route(t, "GET " + v + "/backup_strategies", OWN, OWN.query("instance_id={instance_id}"),
                ADMIN.query("project_id={tenant}"));
        route(t, "POST " + v + "/backup_strategies",
                NOT_FOUND.body("{\"backup_strategy\": {\"instance_id\": \"{instance_id}\", \"swift_container\": \"b-box\"}}"),
                ADMIN.body("{\"backup_strategy\": {\"project_id\": \"{tenant}\", \"swift_container\": \"b-box\"}}"));
        route(t, "DELETE " + v + "/backup_strategies", NOT_FOUND.query("instance_id={instance_id}"),
                ADMIN.query("project_id={tenant}"));

        route(t, "GET " + v + "/mgmt/instances", ADMIN, ADMIN.query("project_id={tenant}"));
        route(t, "GET " + v + "/mgmt/instances/{instance_id}", ADMIN);
        route(t, "GET " + v + "/mgmt/instances/{instance_id}/root", ADMIN);
        route(t, "GET " + v + "/mgmt/quotas/{tenant}", ADMIN, OWN.param("tenant", "{b_project}"));
        route(t, "PUT " + v + "/mgmt/quotas/{tenant}", ADMIN.body("{\"quotas\": {\"instances\": 50}}"),
                ADMIN.param("tenant", "{b_project}").body("{\"quotas\": {\"instances\": 50}}"));
        route(t, "GET " + v + "/mgmt/agents", ADMIN);
        route(t, "POST " + v + "/mgmt/agents", ADMIN.body("{\"agent\": {\"name\": \"intruder\"}}"));
        route(t, "GET " + v + "/mgmt/agents/{agent_id}", ADMIN);
        route(t, "DELETE " + v + "/mgmt/agents/{agent_id}", ADMIN);
        route(t, "POST " + v + "/mgmt/agents/{agent_id}/ping", ADMIN);
        String parameters = v + "/mgmt/datastores/versions/{version_id}/parameters";
        route(t, "GET " + parameters, ADMIN);
        route(t, "POST " + parameters, ADMIN.body(PARAMETER));
        route(t, "GET " + parameters + "/{name}", ADMIN.param("name", "max_connections"));
        route(t, "PUT " + parameters + "/{name}", ADMIN.param("name", "max_connections").body(PARAMETER));
        route(t, "DELETE " + parameters + "/{name}", ADMIN.param("name", "max_connections"));
        return t;
    }

    private static void route(Map<String, List<Probe>> table, String route, Probe... probes) {
        if (table.put(route, List.of(probes)) != null) {
            throw new IllegalStateException("twice in the table: " + route);
        }
    }

    static LiveServer live;
    static Http a;
    static Http b;
    static String projectA;
    static String projectB;
    static String instanceA;
    static String instanceB;
    static String groupA;
    static String backupA;
    static String versionId;
    static int portA;
    /** A's names and ids: no answer to B may carry one the request did not. */
    static List<String> secretsOfA;
    /** An agent id: every agent route is the administrator's alone, whether the agent exists or not. */
    static final String AGENT = UUID.randomUUID().toString();
    /** Ids that exist nowhere, each standing in for one of A's in the control requests. */
    static final Map<String, String> CONTROL = Map.of(
            "instance_id", UUID.randomUUID().toString(),
            "id", UUID.randomUUID().toString(),
            "backup_id", UUID.randomUUID().toString(),
            "tenant", UUID.randomUUID().toString().replace("-", ""));

    @BeforeAll
    static void start() {
        live = new LiveServer("iso", 36830, 36879, "api.rate-limit-per-minute=100000\n");
        a = live.http;
        projectA = live.project;
        projectB = ProjectsTest.createProject(live.home, "tenant-b");
        b = live.http.withToken(ProjectsTest.tokenOfCloud(live.home, "reddwarf-tenant-b"));
        String a1 = "/v1.0/" + projectA;
        versionId = ok(a.get(a1 + "/datastores/mariadb/versions/10.11")).get("version").get("id").asText();
        groupA = ok(a.post(a1 + "/configurations", "{\"configuration\": {\"name\": \"a-secret-group\", "
                + "\"values\": {\"max_connections\": 321}, \"datastore\": {\"type\": \"mariadb\", "
                + "\"version\": \"10.11\"}}}")).get("configuration").get("id").asText();
        instanceA = ok(a.post(a1 + "/instances", "{\"instance\": {\"name\": \"a-secret-app\", \"flavorRef\": \"2\", "
                + "\"volume\": {\"size\": 1}, \"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}, "
                + "\"configuration\": \"" + groupA + "\", \"databases\": [{\"name\": \"a_secret_db\"}], "
                + "\"users\": [{\"name\": \"a_secret_user\", \"password\": \"A-secret-pass1\", "
                + "\"databases\": [{\"name\": \"a_secret_db\"}]}]}}")).get("instance").get("id").asText();
        instanceB = ok(b.post("/v1.0/" + projectB + "/instances", "{\"instance\": {\"name\": \"b-app\", "
                + "\"flavorRef\": \"1\", \"volume\": {\"size\": 1}, \"datastore\": {\"type\": \"mariadb\", "
                + "\"version\": \"10.11\"}}}")).get("instance").get("id").asText();
        portA = live.awaitStatus(instanceA, "ACTIVE", BUILD_TIMEOUT).get("port").asInt();
        awaitActive(b, "/v1.0/" + projectB + "/instances/" + instanceB);

        Http.Answer backup = a.post(a1 + "/backups", "{\"backup\": {\"name\": \"a-secret-backup\", \"instance\": \""
                + instanceA + "\"}}");
        assertThat(backup.status()).as(backup.body()).isEqualTo(202);
        backupA = backup.json().get("backup").get("id").asText();
        LiveServer.await(Duration.ofSeconds(120), () -> ok(a.get(a1 + "/backups/" + backupA)).get("backup")
                .get("status").asText().equals("COMPLETED"), "backup " + backupA + " completes");
        live.awaitStatus(instanceA, "ACTIVE", BUILD_TIMEOUT);
        for (String strategy : List.of("\"instance_id\": \"" + instanceA + "\", \"swift_container\": \"a-secret-box\"",
                "\"swift_container\": \"a-project-box\"")) {
            Http.Answer set = a.post(a1 + "/backup_strategies", "{\"backup_strategy\": {" + strategy + "}}");
            assertThat(set.status()).as(set.body()).isEqualTo(202);
        }
        secretsOfA = List.of(projectA, instanceA, groupA, backupA, "a-secret-app", "a-secret-group", "a-secret-backup",
                "a_secret_db", "a_secret_user", "A-secret-pass1", "a-secret-box", "a-project-box");
    }

    @AfterAll
    static void stop() {
        if (live == null) {
            return;
        }
        try {
            if (b != null) {
                LiveServer.deleteLeftovers(b, projectB);
            }
        } finally {
            live.close();
        }
    }

    static JsonNode ok(Http.Answer answer) {
        assertThat(answer.status()).as(answer.body()).isBetween(200, 202);
        return answer.json();
    }

    static void awaitActive(Http client, String path) {
        LiveServer.await(BUILD_TIMEOUT, () -> {
            String status = ok(client.get(path)).get("instance").get("status").asText();
            assertThat(status).as(path).isNotEqualTo("ERROR");
            return status.equals("ACTIVE");
        }, path + " becomes ACTIVE");
    }

    /** Every method and path template the application serves, from Jersey's model of its resources. */
    static Set<String> applicationRoutes() {
        ResourceConfig application = ApiServer.application(CoreServices.of(live.server.core()),
                live.server.credentials(), new RateLimiter(1, Clock.systemUTC()), 1);
        Set<String> routes = new TreeSet<>();
        for (Class<?> type : application.getClasses()) {
            if (type.isAnnotationPresent(Path.class)) {
                collect(Resource.from(type), "", routes);
            }
        }
        for (Object instance : application.getInstances()) {
            if (instance.getClass().isAnnotationPresent(Path.class)) {
                collect(Resource.from(instance.getClass()), "", routes);
            }
        }
        for (Resource resource : application.getResources()) {
            collect(resource, "", routes);
        }
        return routes;
    }

    private static void collect(Resource resource, String parent, Set<String> into) {
        String path = (parent + "/" + resource.getPath()).replaceAll("/+", "/");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        assertThat(resource.getResourceLocator()).as("a sub-resource locator at %s has no fixed routes", path).isNull();
        for (ResourceMethod method : resource.getResourceMethods()) {
            into.add(method.getHttpMethod() + " " + path);
        }
        for (Resource child : resource.getChildResources()) {
            collect(child, path, into);
        }
    }

    @Test
    @Order(1)
    void everyRouteOfTheApplicationIsInTheTable() {
        Set<String> discovered = applicationRoutes();
        assertThat(discovered).hasSizeGreaterThan(60);
        assertThat(ROUTES.keySet()).containsExactlyInAnyOrderElementsOf(discovered);
        for (Map.Entry<String, List<Probe>> route : ROUTES.entrySet()) {
            if (route.getKey().contains("/mgmt/")) {
                assertThat(route.getValue()).as(route.getKey()).extracting(Probe::expect).contains(Expect.ADMIN_ONLY);
            }
        }
    }

    @Test
    @Order(2)
    void bReachesNothingOfAOnAnyRoute() {
        SoftAssertions softly = new SoftAssertions();
        Set<String> templates = new TreeSet<>();
        for (Map.Entry<String, List<Probe>> route : ROUTES.entrySet()) {
            String method = route.getKey().substring(0, route.getKey().indexOf(' '));
            String template = route.getKey().substring(method.length() + 1);
            templates.add(template);
            for (Probe probe : route.getValue()) {
                exercise(softly, method, template, probe);
            }
        }
        for (String template : templates) {
            if (template.startsWith("/v1.0/{project_id}")) {
                Request foreign = request("OPTIONS", template, OWN, values(projectA, false));
                expectForbidden(softly, foreign, send(b, foreign), FORBIDDEN);
                Request own = request("OPTIONS", template, OWN, values(projectB, false));
                sameAsControl(softly, own, send(b, own), request("OPTIONS", template, OWN, values(projectB, true)));
            }
        }
        softly.assertAll();
    }

    /** One request as sent: method, path with query, body. */
    record Request(String method, String path, String body) {
        String text() {
            return path + " " + (body == null ? "" : body);
        }

        @Override
        public String toString() {
            return method + " " + path + (body == null ? "" : " " + body);
        }
    }

    private static void exercise(SoftAssertions softly, String method, String template, Probe probe) {
        if (probe.expect() == Expect.PUBLIC) {
            Request request = request(method, template, probe, values(projectB, false));
            Http.Answer answer = send(b, request);
            softly.assertThat(answer.status()).as("%s", request).isEqualTo(200);
            noLeak(softly, request, answer);
            return;
        }
        Request foreign = request(method, template, probe, values(projectA, false));
        expectForbidden(softly, foreign, send(b, foreign), FORBIDDEN);
        if (method.equals("GET")) {
            Request head = new Request("HEAD", foreign.path(), null);
            softly.assertThat(send(b, head).status()).as("%s", head).isEqualTo(403);
        }
        if (probe.expect() == Expect.NO_REFERENCE) {
            return;
        }
        Request own = request(method, template, probe, values(projectB, false));
        Request control = request(method, template, probe, values(projectB, true));
        Http.Answer answer = send(b, own);
        switch (probe.expect()) {
            case NOT_FOUND -> {
                expectError(softly, own, answer, 404, "itemNotFound");
                sameAsControl(softly, own, answer, control);
            }
            case ADMIN_ONLY -> expectForbidden(softly, own, answer, ADMIN_ONLY);
            case REFUSED -> {
                expectError(softly, own, answer, 400, "badRequest");
                sameAsControl(softly, own, answer, control);
            }
            case OWN -> {
                softly.assertThat(answer.status()).as("%s: %s", own, answer.body()).isBetween(200, 204);
                noLeak(softly, own, answer);
                if (!own.equals(control)) {
                    sameAsControl(softly, own, answer, control);
                }
            }
            default -> throw new IllegalStateException(probe.expect().name());
        }
        if (method.equals("GET")) {
            Request head = new Request("HEAD", own.path(), null);
            Http.Answer headAnswer = send(b, head);
            softly.assertThat(headAnswer.status()).as("%s", head).isEqualTo(answer.status());
            softly.assertThat(headAnswer.body()).as("%s", head).isEmpty();
        }
    }

    private static Map<String, String> values(String urlProject, boolean control) {
        Map<String, String> values = new HashMap<>();
        values.put("project_id", urlProject);
        values.put("instance_id", instanceA);
        values.put("id", groupA);
        values.put("backup_id", backupA);
        values.put("tenant", projectA);
        values.put("user", "a_secret_user");
        values.put("database", "a_secret_db");
        values.put("name", "a_secret_db");
        values.put("datastore", "mariadb");
        values.put("version", "10.11");
        values.put("version_id", versionId);
        values.put("flavor_id", "2");
        values.put("b_instance", instanceB);
        values.put("b_project", projectB);
        values.put("agent_id", AGENT);
        if (control) {
            values.putAll(CONTROL);
        }
        return values;
    }

    private static Request request(String method, String template, Probe probe, Map<String, String> values) {
        Map<String, String> params = new HashMap<>(values);
        probe.params().forEach((name, value) -> params.put(name, fill(value, values)));
        String path = fill(template, params) + (probe.query().isEmpty() ? "" : "?" + fill(probe.query(), values));
        String body = probe.body() == null ? null : fill(probe.body(), values);
        assertThat(UNFILLED.matcher(path + (body == null ? "" : body)).find()).as("%s %s %s", method, path, body).isFalse();
        return new Request(method, path, body);
    }

    private static String fill(String text, Map<String, String> values) {
        String filled = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace("{" + value.getKey() + "}", value.getValue());
        }
        return filled;
    }

    private static Http.Answer send(Http client, Request request) {
        return switch (request.method()) {
            case "GET" -> client.get(request.path());
            case "DELETE" -> client.delete(request.path());
            default -> client.method(request.method(), request.path(), request.body());
        };
    }

    private static void expectForbidden(SoftAssertions softly, Request request, Http.Answer answer, String message) {
        expectError(softly, request, answer, 403, "forbidden");
        if (answer.status() == 403) {
            softly.assertThat(answer.json().get("forbidden").get("message").asText()).as("%s", request)
                    .isEqualTo(message);
        }
    }

    private static void expectError(SoftAssertions softly, Request request, Http.Answer answer, int status, String name) {
        softly.assertThat(answer.status()).as("%s: %s", request, answer.body()).isEqualTo(status);
        softly.assertThat(answer.contentType()).as("%s", request).startsWith("application/json");
        if (answer.status() == status) {
            JsonNode fault = answer.json().get(name);
            softly.assertThat(fault).as("%s: %s", request, answer.body()).isNotNull();
            if (fault != null) {
                softly.assertThat(fault.get("code").asInt()).as("%s", request).isEqualTo(status);
            }
        }
        noLeak(softly, request, answer);
    }

    /** The answer carries none of A's names and ids that the request did not carry itself. */
    private static void noLeak(SoftAssertions softly, Request request, Http.Answer answer) {
        softly.assertThat(answer.status()).as("%s: %s", request, answer.body()).isLessThan(500);
        for (String secret : secretsOfA) {
            if (!request.text().contains(secret)) {
                softly.assertThat(answer.body()).as("%s leaks %s", request, secret).doesNotContain(secret);
            }
        }
    }

    /** The same request with ids that exist nowhere gets the same answer, those ids aside. */
    private static void sameAsControl(SoftAssertions softly, Request request, Http.Answer answer, Request control) {
        Http.Answer controlAnswer = send(b, control);
        String expected = controlAnswer.body();
        for (Map.Entry<String, String> id : CONTROL.entrySet()) {
            expected = expected.replace(id.getValue(), values(projectB, false).get(id.getKey()));
        }
        softly.assertThat(answer.status()).as("%s, as %s", request, control).isEqualTo(controlAnswer.status());
        softly.assertThat(answer.body()).as("%s, as %s", request, control).isEqualTo(expected);
        softly.assertThat(answer.allow()).as("%s, as %s", request, control).isEqualTo(controlAnswer.allow());
    }

    /**
     * The project the authentication filter checks and the one the route is given are the same path
     * segment, however the path is spelled: dot segments, matrix parameters, encoded separators.
     */
    @Test
    @Order(3)
    void noSpellingOfThePathLetsBPastTheProjectCheck() {
        String token = ProjectsTest.tokenOfCloud(live.home, "reddwarf-tenant-b");
        String ownA = "/v1.0/" + projectA + "/instances/" + instanceA;
        SoftAssertions softly = new SoftAssertions();
        for (String target : List.of(
                "/v1.0/" + projectB + "/../" + projectA + "/instances",
                "/v1.0/" + projectB + "/%2e%2e/" + projectA + "/instances",
                "/v1.0/" + projectB + "/./../" + projectA + "/instances/" + instanceA,
                "/v1.0/" + projectB + "/instances/../../" + projectA + "/instances",
                "/v1.0/" + projectB + "/..;/" + projectA + "/instances",
                "/v1.0/" + projectB + "/..%2F" + projectA + "/instances",
                "/v1.0/" + projectB + "%2F..%2F" + projectA + "/instances",
                "/v1.0/" + projectB + ";/../" + projectA + "/instances",
                "/v1.0/" + projectA + ";project_id=" + projectB + "/instances",
                "/v1.0;x=1/" + projectA + "/instances",
                "//v1.0/" + projectA + "/instances",
                "/./v1.0/" + projectA + "/instances",
                "/v1.0//" + projectA + "/instances",
                "/v1.0/" + projectA.toUpperCase(java.util.Locale.ROOT) + "/instances",
                "/v1.0/%" + Integer.toHexString(projectA.charAt(0)) + projectA.substring(1) + "/instances",
                "http://127.0.0.1/v1.0/" + projectA + "/instances",
                ownA + ";x=1", ownA + "/", ownA.replace("/instances/", "/instances//"))) {
            RawHttp.Answer answer = RawHttp.exchange(live.server.port(), "GET " + target + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nX-Auth-Token: " + token + "\r\nConnection: close\r\n\r\n");
            softly.assertThat(answer.status()).as("%s: %s", target, answer.body()).isIn(400, 403, 404);
            for (String secret : secretsOfA) {
                if (!target.contains(secret)) {
                    softly.assertThat(answer.body()).as("%s leaks %s", target, secret).doesNotContain(secret);
                }
            }
        }
        softly.assertAll();
    }

    @Test
    @Order(4)
    void aIsAsItWasAndBHasNothingMore() {
        String a1 = "/v1.0/" + projectA;
        JsonNode instance = live.awaitStatus(instanceA, "ACTIVE", BUILD_TIMEOUT);
        assertThat(instance.get("name").asText()).isEqualTo("a-secret-app");
        assertThat(instance.get("configuration").get("id").asText()).isEqualTo(groupA);
        JsonNode group = ok(a.get(a1 + "/configurations/" + groupA)).get("configuration");
        assertThat(group.get("name").asText()).isEqualTo("a-secret-group");
        assertThat(group.get("values").toString()).isEqualTo("{\"max_connections\":321}");
        assertThat(ok(a.get(a1 + "/backups/" + backupA)).get("backup").get("status").asText()).isEqualTo("COMPLETED");
        assertThat(ok(a.get(a1 + "/instances/" + instanceA + "/databases")).findValuesAsText("name"))
                .contains("a_secret_db");
        assertThat(ok(a.get(a1 + "/instances/" + instanceA + "/users/a_secret_user/databases"))
                .findValuesAsText("name")).containsExactly("a_secret_db");
        assertThat(ok(a.get(a1 + "/instances/" + instanceA + "/root")).get("rootEnabled").asBoolean()).isFalse();
        assertThat(ok(a.get(a1 + "/backup_strategies")).get("backup_strategies").findValuesAsText("swift_container"))
                .containsExactlyInAnyOrder("a-secret-box", "a-project-box");
        assertThat(LiveServer.mariadb("127.0.0.1", portA, "a_secret_user", "A-secret-pass1", "a_secret_db",
                "select 1").exitCode()).isZero();

        String b1 = "/v1.0/" + projectB;
        assertThat(ok(b.get(b1 + "/instances")).get("instances")).extracting(i -> i.get("id").asText())
                .containsExactly(instanceB);
        assertThat(ok(b.get(b1 + "/backups")).get("backups")).isEmpty();
        assertThat(ok(b.get(b1 + "/configurations")).get("configurations")).isEmpty();
        assertThat(ok(b.get(b1 + "/backup_strategies")).get("backup_strategies")).isEmpty();
        JsonNode quotas = ok(b.get(b1 + "/mgmt/quotas/" + projectB)).get("quotas");
        assertThat(quotas.get(0).get("resource").asText()).isEqualTo("instances");
        assertThat(quotas.get(0).get("in_use").asInt()).isEqualTo(1);
        assertThat(quotas.get(2).get("resource").asText()).isEqualTo("backups");
        assertThat(quotas.get(2).get("in_use").asInt()).isZero();
    }
}
