package io.reddwarf.server;

import static io.reddwarf.server.ErrorShapesTest.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.core.catalog.RegistryDatastoreCatalog;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Datastores and flavors of the real catalog (the MariaDB driver and the default flavors), in Trove's field names, addressed by name or id. */
final class CatalogApiTest {
    static final String MARIADB_ID = RegistryDatastoreCatalog.datastoreId("mariadb");
    static final String MARIADB_1011_ID = RegistryDatastoreCatalog.versionId("mariadb", "10.11");

    static LiveServer live;
    static ReddwarfServer server;
    static Http http;
    static String project;
    static String base;

    @BeforeAll
    static void start() {
        live = new LiveServer("cat", 36350, 36399);
        server = live.server;
        http = live.http;
        project = live.project;
        base = "/v1.0/" + project;
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    @Test
    void datastoreList() {
        JsonNode ds = http.get(base + "/datastores").json().get("datastores").get(0);
        assertThat(ds.get("name").asText()).isEqualTo("mariadb");
        assertThat(ds.get("id").asText()).isEqualTo(MARIADB_ID);
        assertThat(ds.get("default_version").asText()).isEqualTo(MARIADB_1011_ID);
        assertThat(ds.get("links").get(0).get("href").asText())
                .isEqualTo(server.baseUri() + "v1.0/" + project + "/datastores/" + MARIADB_ID);
        assertThat(ds.get("links").get(0).get("rel").asText()).isEqualTo("self");
        assertThat(ds.get("links").get(1).get("href").asText())
                .isEqualTo(server.baseUri() + "datastores/" + MARIADB_ID);
        assertThat(ds.get("links").get(1).get("rel").asText()).isEqualTo("bookmark");
        JsonNode version = ds.get("versions").get(0);
        assertThat(version.get("name").asText()).isEqualTo("10.11");
        assertThat(version.get("id").asText()).isEqualTo(MARIADB_1011_ID);
    }

    @Test
    void datastoreByNameOrId() {
        assertThat(http.get(base + "/datastores/mariadb").json().get("datastore").get("id").asText())
                .isEqualTo(MARIADB_ID);
        assertThat(http.get(base + "/datastores/" + MARIADB_ID).json().get("datastore").get("name").asText())
                .isEqualTo("mariadb");
    }

    @Test
    void versionsOfADatastore() {
        JsonNode v = http.get(base + "/datastores/mariadb/versions").json().get("versions").get(0);
        assertThat(v.get("name").asText()).isEqualTo("10.11");
        assertThat(v.get("version").asText()).startsWith("10.11.");
        assertThat(v.get("datastore").asText()).isEqualTo(MARIADB_ID);
        assertThat(v.get("active").asBoolean()).isTrue();
        assertThat(v.get("links").get(0).get("href").asText())
                .isEqualTo(server.baseUri() + "v1.0/" + project + "/datastores/versions/" + MARIADB_1011_ID);

        assertThat(http.get(base + "/datastores/mariadb/versions/10.11").json().get("version").get("id").asText())
                .isEqualTo(MARIADB_1011_ID);
        assertThat(http.get(base + "/datastores/" + MARIADB_ID + "/versions/" + MARIADB_1011_ID)
                .json().get("version").get("name").asText()).isEqualTo("10.11");
        assertThat(http.get(base + "/datastores/versions/" + MARIADB_1011_ID).json().get("version")
                .get("name").asText()).isEqualTo("10.11");
        assertThat(http.get(base + "/datastores/mariadb/versions/10.11/flavors").json().get("flavors").size())
                .isEqualTo(4);
    }

    @Test
    void unknownDatastoreOrVersionIs404() throws IOException {
        assertError(http.get(base + "/datastores/db2"), 404, "itemNotFound", "Datastore 'db2' cannot be found.");
        assertError(http.get(base + "/datastores/db2/versions"), 404, "itemNotFound",
                "Datastore 'db2' cannot be found.");
        assertError(http.get(base + "/datastores/mariadb/versions/1.0"), 404, "itemNotFound",
                "Datastore version '1.0' cannot be found.");
        assertError(http.get(base + "/datastores/versions/nope"), 404, "itemNotFound",
                "Datastore version nope could not be found.");
    }

    @Test
    void flavorListAndShow() {
        JsonNode flavors = http.get(base + "/flavors").json().get("flavors");
        assertThat(flavors.size()).isEqualTo(4);
        JsonNode small = http.get(base + "/flavors/2").json().get("flavor");
        assertThat(small.toString()).isEqualTo("{\"id\":2,\"str_id\":\"2\",\"name\":\"m1.small\",\"ram\":1024,"
                + "\"vcpus\":1,\"disk\":5,\"ephemeral\":0,\"links\":[{\"href\":\"" + server.baseUri() + "v1.0/"
                + project + "/flavors/2\",\"rel\":\"self\"},{\"href\":\"" + server.baseUri()
                + "flavors/2\",\"rel\":\"bookmark\"}]}");
    }

    @Test
    void unknownFlavorIs404() throws IOException {
        assertError(http.get(base + "/flavors/99"), 404, "itemNotFound", "Flavor 99 could not be found.");
    }

    @Test
    void linksFollowTheHostTheClientUsed() {
        Http viaLocalhost = new Http(java.net.URI.create("http://localhost:" + server.port() + "/"), server.credentials().demoToken());
        assertThat(viaLocalhost.get(base + "/flavors/1").json().get("flavor").get("links").get(0).get("href").asText())
                .isEqualTo("http://localhost:" + server.port() + "/v1.0/" + project + "/flavors/1");
    }
}
