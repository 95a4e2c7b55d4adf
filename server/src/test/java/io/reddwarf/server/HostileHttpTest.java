package io.reddwarf.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a hostile client sends below the API's routes: bodies over the limit, announced or sent in
 * chunks, odd expectations, request targets that are no URI, headers over the limit, broken HTTP. Every answer is Trove-shaped JSON, never an empty body, HTML or a 500.
 * The server runs with {@code api.max-body-bytes=65536}.
 */
final class HostileHttpTest {
    static final int LIMIT = 65536;
    static final String TOO_LARGE = "The request body must not be larger than 65536 bytes.";

    static LiveServer live;
    static int port;

    @BeforeAll
    static void start() {
        live = new LiveServer("hhttp", 36800, 36809, "api.max-body-bytes=" + LIMIT + "\n");
        port = live.server.port();
    }

    @AfterAll
    static void stop() {
        if (live != null) {
            live.close();
        }
    }

    static void assertError(int status, String contentType, JsonNode body, int expectedStatus, String troveName,
            String message) {
        assertThat(status).as(body.toString()).isEqualTo(expectedStatus);
        assertThat(contentType).startsWith("application/json");
        assertThat(body).isEqualTo(Http.MAPPER.createObjectNode().set(troveName,
                Http.MAPPER.createObjectNode().put("code", expectedStatus).put("message", message)));
    }

    static void assertError(RawHttp.Answer answer, int status, String troveName, String message) {
        assertError(answer.status(), answer.header("content-type"), answer.json(), status, troveName, message);
    }

    static void assertError(Http.Answer answer, int status, String troveName, String message) {
        assertError(answer.status(), answer.contentType(), answer.json(), status, troveName, message);
    }

    String post(String headers) {
        return "POST " + live.instances() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Auth-Token: " + live.server.credentials().demoToken() + "\r\n"
                + "Content-Type: application/json\r\n" + headers + "\r\n";
    }

    /** {"instance": {}} padded with spaces to {@code size} bytes. */
    static byte[] paddedBody(int size) {
        byte[] json = "{\"instance\": {}}".getBytes(UTF_8);
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) ' ');
        System.arraycopy(json, 0, body, 0, json.length);
        return body;
    }

    static byte[] chunk(byte[] data) {
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(UTF_8);
        byte[] chunk = Arrays.copyOf(head, head.length + data.length + 2);
        System.arraycopy(data, 0, chunk, head.length, data.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeTheBodyIsSent() {
        RawHttp.Answer answer = RawHttp.exchange(port, post("Content-Length: 1610612736\r\n"));
        assertError(answer, 413, "requestEntityTooLarge", TOO_LARGE);
        assertThat(answer.header("connection")).isEqualTo("close");
    }

    @Test
    void anExpectContinueOverTheLimitIsRefusedInsteadOfContinued() {
        RawHttp.Answer answer = RawHttp.exchange(port,
                post("Content-Length: 1610612736\r\nExpect: 100-continue\r\n"));
        assertThat(answer.head()).doesNotContain("100 Continue");
        assertError(answer, 413, "requestEntityTooLarge", TOO_LARGE);
    }

    @Test
    void aChunkedBodyIsCutOffAtTheLimit() {
        byte[] body = paddedBody(LIMIT + 4096);
        RawHttp.Answer answer = RawHttp.exchange(port, post("Transfer-Encoding: chunked\r\n").getBytes(UTF_8),
                chunk(Arrays.copyOfRange(body, 0, LIMIT)), chunk(Arrays.copyOfRange(body, LIMIT, body.length)),
                "0\r\n\r\n".getBytes(UTF_8));
        assertError(answer, 413, "requestEntityTooLarge", TOO_LARGE);
    }

    @Test
    void aBodyOfExactlyTheLimitIsRead() {
        String body = new String(paddedBody(LIMIT), UTF_8);
        assertError(live.http.post(live.instances(), body), 400, "badRequest", "The instance name is required.");
        RawHttp.Answer chunked = RawHttp.exchange(port, post("Transfer-Encoding: chunked\r\n").getBytes(UTF_8),
                chunk(paddedBody(LIMIT)), "0\r\n\r\n".getBytes(UTF_8));
        assertError(chunked, 400, "badRequest", "The instance name is required.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/%", "/%zz", "/v1.0/%", "/instances%2", "/a\"b", "/{x}", "/v1.0?x=%", "/v1.0?x=%g1"})
    void aTargetThatIsNoUriIs400(String target) {
        RawHttp.Answer answer = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Auth-Token: " + live.server.credentials().demoToken() + "\r\n\r\n");
        assertError(answer, 400, "badRequest", "The request URL is malformed.");
    }

    @Test
    void aLonePercentInTheQueryOfARouteIs400() {
        RawHttp.Answer answer = RawHttp.exchange(port, "GET " + live.instances() + "?limit=% HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nX-Auth-Token: " + live.server.credentials().demoToken() + "\r\n\r\n");
        assertError(answer, 400, "badRequest", "The request URL is malformed.");
    }

    String get(String target, String headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "X-Auth-Token: " + live.server.credentials().demoToken() + "\r\n" + headers + "\r\n";
    }

    @Test
    void headersOverTheLimitAre431() {
        RawHttp.Answer answer = RawHttp.exchange(port, get(live.instances(), "X-Big: " + "a".repeat(9000) + "\r\n"));
        assertError(answer, 431, "requestHeaderFieldsTooLarge", "The request's header fields are too large.");
        assertThat(answer.header("connection")).isEqualTo("close");
    }

    @Test
    void tooManyHeadersAre431() {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        assertError(RawHttp.exchange(port, get(live.instances(), headers.toString())), 431,
                "requestHeaderFieldsTooLarge", "The request's header fields are too large.");
    }

    @Test
    void aRequestLineOverTheLimitIs414() {
        assertError(RawHttp.exchange(port, get("/" + "a".repeat(9000), "")), 414, "requestURITooLong",
                "The request URL is too long.");
    }

    @Test
    void malformedHttpIs400() {
        RawHttp.Answer answer = RawHttp.exchange(port, "POST " + live.instances() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}");
        assertError(answer, 400, "badRequest", "The request is malformed.");
        assertError(RawHttp.exchange(port, "GET / HTTP/1.1\r\n\r\n"), 400, "badRequest", "The request is malformed.");
    }

    @Test
    void anUnknownHttpVersionIs505() {
        assertError(RawHttp.exchange(port, "GET / HTTP/3.7\r\nHost: 127.0.0.1\r\n\r\n"), 505, "versionNotSupported",
                "The API speaks HTTP/1.1.");
    }

    @Test
    void anExpectationOtherThanContinueIs417() {
        // Grizzly asks for an acknowledgement only while no body has arrived, so none is sent.
        RawHttp.Answer answer = RawHttp.exchange(port, post("Content-Length: 2\r\nExpect: something-else\r\n"));
        assertError(answer, 417, "expectationFailed", "The only expectation the API meets is 100-continue.");
    }
}
