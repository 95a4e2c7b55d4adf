package io.reddwarf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Grizzly 4.0.2 treats a request with an {@code Upgrade} header as a protocol switch: POST bodies are
 * never delivered and responses lose their {@code Content-Type}. The JDK HTTP client sends
 * {@code Upgrade: h2c} by default, so the server must answer such requests as plain HTTP/1.1.
 */
final class UpgradeHeaderTest {
    static LiveServer live;
    static ReddwarfServer server;
    static String path;
    static String token;

    @BeforeAll
    static void start() {
        live = new LiveServer("upg", 36400, 36449);
        server = live.server;
        path = live.instances();
        token = server.credentials().demoToken();
    }

    /** Deletes the instances the creates built, then stops the server. */
    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    @Test
    void postWithUpgradeH2cGetsAProperJsonAnswer() throws IOException {
        String body = "{\"instance\": {\"name\": \"app1\", \"flavorRef\": \"2\", \"volume\": {\"size\": 1}}}";
        String request = "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + server.port() + "\r\n"
                + "Connection: Upgrade, HTTP2-Settings\r\n"
                + "Upgrade: h2c\r\n"
                + "HTTP2-Settings: AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA\r\n"
                + "Content-Type: application/json\r\n"
                + "X-Auth-Token: " + token + "\r\n"
                + "Content-Length: " + body.getBytes(UTF_8).length + "\r\n"
                + "\r\n"
                + body;
        String response = exchange(request);

        assertThat(response).startsWith("HTTP/1.1 200");
        assertThat(response.toLowerCase()).contains("content-type: application/json");
        assertThat(response).contains("\"status\":\"BUILD\"").doesNotContain("101 Switching");
        Matcher id = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(response);
        assertThat(id.find()).as(response).isTrue();
        assertThat(live.show(id.group(1)).get("name").asText()).isEqualTo("app1");
    }

    @Test
    void errorsKeepTheirJsonShapeWithUpgradeToo() throws IOException {
        String body = "{\"instance\": {}}";
        String response = exchange("POST " + path + " HTTP/1.1\r\n"
                + "Host: localhost\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nContent-Type: application/json\r\n"
                + "X-Auth-Token: " + token + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);

        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response.toLowerCase()).contains("content-type: application/json");
        assertThat(response).endsWith("{\"badRequest\":{\"code\":400,\"message\":\"The instance name is required.\"}}");
    }

    @Test
    void jdkClientWithItsDefaultUpgradeWorks() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_2);
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(server.baseUri().resolve(path.substring(1)))
                        .timeout(Duration.ofSeconds(10))
                        .header("Content-Type", "application/json")
                        .header("X-Auth-Token", token)
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"instance\": {\"name\": \"jdk\", \"flavorRef\": \"1\", \"volume\": {\"size\": 1}}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        assertThat(response.body()).contains("\"name\":\"jdk\"");
        String id = Http.MAPPER.readTree(response.body()).get("instance").get("id").asText();
        assertThat(live.show(id).get("name").asText()).isEqualTo("jdk");
    }

    @Test
    void malformedHttpIsAnsweredWithTrovesShape() throws IOException {
        String response = exchange("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
                + "Content-Length: 3\r\nX-Auth-Token: " + token + "\r\n\r\n{}");
        assertThat(response).startsWith("HTTP/1.1 400");
        assertThat(response.toLowerCase()).contains("content-type: application/json");
        assertThat(response).endsWith("{\"badRequest\":{\"code\":400,\"message\":\"The request is malformed.\"}}");
    }

    /** Sends raw bytes and reads one response, framed by its Content-Length. */
    private static String exchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(UTF_8).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.write(b);
            }
            String headers = head.toString(UTF_8);
            Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(headers);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
            return headers + new String(body, UTF_8);
        }
    }
}
