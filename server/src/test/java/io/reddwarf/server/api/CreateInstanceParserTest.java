package io.reddwarf.server.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import io.reddwarf.core.instance.CreateInstanceRequest;
import io.reddwarf.spi.DatabaseSpec;
import io.reddwarf.spi.UserSpec;
import org.junit.jupiter.api.Test;

/** Trove's create body read into the core's request: what the API hands the core, field by field. */
final class CreateInstanceParserTest {
    private static CreateInstanceRequest parse(String json) {
        return CreateInstanceParser.parse(json.getBytes(UTF_8));
    }

    private static String body(String instanceFields) {
        return "{\"instance\": {" + instanceFields + "}}";
    }

    @Test
    void fullTroveBody() {
        CreateInstanceRequest request = parse(body("\"name\": \"app1\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}, "
                + "\"datastore\": {\"type\": \"mariadb\", \"version\": \"10.11\"}, "
                + "\"databases\": [{\"name\": \"shop\", \"character_set\": \"utf8mb4\", \"collate\": \"utf8mb4_bin\"}, "
                + "{\"name\": \"logs\"}], "
                + "\"users\": [{\"name\": \"alice\", \"password\": \"S3cret-pass\", \"databases\": [{\"name\": \"shop\"}]}, "
                + "{\"name\": \"bob\", \"password\": \"pw\", \"host\": \"10.0.%\"}], "
                + "\"nics\": [], \"availability_zone\": \"nova\", \"region_name\": \"RegionOne\", "
                + "\"access\": {\"is_public\": false}, \"replica_count\": null, \"modules\": []"));

        assertThat(request.name()).isEqualTo("app1");
        assertThat(request.flavorRef()).isEqualTo("2");
        assertThat(request.volumeSize()).isEqualTo(1);
        assertThat(request.datastoreType()).contains("mariadb");
        assertThat(request.datastoreVersion()).contains("10.11");

        assertThat(request.databases()).hasSize(2);
        DatabaseSpec shop = request.databases().getFirst();
        assertThat(shop.name()).isEqualTo("shop");
        assertThat(shop.characterSet()).contains("utf8mb4");
        assertThat(shop.collation()).contains("utf8mb4_bin");
        DatabaseSpec logs = request.databases().get(1);
        assertThat(logs.name()).isEqualTo("logs");
        assertThat(logs.characterSet()).isEmpty();
        assertThat(logs.collation()).isEmpty();

        assertThat(request.users()).hasSize(2);
        UserSpec alice = request.users().getFirst();
        assertThat(alice.name()).isEqualTo("alice");
        assertThat(alice.host()).isEqualTo("%");
        assertThat(alice.password().value()).isEqualTo("S3cret-pass");
        assertThat(alice.databases()).containsExactly("shop");
        UserSpec bob = request.users().get(1);
        assertThat(bob.host()).isEqualTo("10.0.%");
        assertThat(bob.databases()).isEmpty();
    }

    @Test
    void minimalBodyLeavesTheDatastoreToTheCore() {
        CreateInstanceRequest request = parse(body("\"name\": \"a\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}"));
        assertThat(request.datastoreType()).isEmpty();
        assertThat(request.datastoreVersion()).isEmpty();
        assertThat(request.databases()).isEmpty();
        assertThat(request.users()).isEmpty();
    }

    @Test
    void flavorRefMayBeANumberOrAUrlAndVolumeSizeADigitString() {
        CreateInstanceRequest number = parse(body("\"name\": \"a\", \"flavorRef\": 2, \"volume\": {\"size\": \"3\"}"));
        assertThat(number.flavorRef()).isEqualTo("2");
        assertThat(number.volumeSize()).isEqualTo(3);

        CreateInstanceRequest url = parse(body("\"name\": \"b\", \"flavorRef\": \"http://x/v1.0/p/flavors/1\", "
                + "\"volume\": {\"size\": 1, \"type\": null}"));
        assertThat(url.flavorRef()).isEqualTo("1");
        assertThat(url.volumeSize()).isEqualTo(1);
    }

    @Test
    void datastoreTypeWithoutVersion() {
        CreateInstanceRequest request = parse(body("\"name\": \"a\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}, "
                + "\"datastore\": {\"type\": \"mariadb\", \"version\": null}"));
        assertThat(request.datastoreType()).contains("mariadb");
        assertThat(request.datastoreVersion()).isEmpty();
    }

    @Test
    void nameOfTheLongestAllowedLength() {
        String name = "x".repeat(CreateInstanceParser.MAX_NAME_LENGTH);
        assertThat(parse(body("\"name\": \"" + name + "\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}")).name())
                .isEqualTo(name);
        assertThatThrownBy(() -> parse(body("\"name\": \"" + name + "x\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}")))
                .isInstanceOfSatisfying(ReddwarfException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo("The instance name must be at most 255 characters long.");
                });
    }

    @Test
    void notImplementedFeaturesAreRefused() {
        assertThatThrownBy(() -> parse(body("\"name\": \"a\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}, "
                + "\"replica_of\": \"x\"")))
                .isInstanceOfSatisfying(ReddwarfException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.NOT_IMPLEMENTED);
                    assertThat(e.getMessage()).isEqualTo("Creating an instance with 'replica_of' is not implemented.");
                });
    }
}
