package io.reddwarf.agent;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.reddwarf.agent.protocol.Command;
import io.reddwarf.agent.protocol.Heartbeat;
import io.reddwarf.agent.protocol.Protocol;
import io.reddwarf.agent.protocol.Result;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * The agent's side of the protocol: HTTPS requests it opens to the control plane's agent listener
 * (the control plane never connects to an agent). HTTP/1.1, the agent's client certificate, the
 * deployment's authority as the only trusted root.
 */
final class ControlPlaneClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final URI root;

    ControlPlaneClient(URI controlPlane, SSLContext tls) {
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(tls)
                .connectTimeout(REQUEST_TIMEOUT)
                .build();
        this.root = controlPlane.resolve(Protocol.ROOT + "/");
    }

    void heartbeat(Heartbeat heartbeat) throws IOException {
        send("POST", "heartbeat", heartbeat, REQUEST_TIMEOUT);
    }

    /**
     * Waits up to {@code wait} on the control plane for commands; an empty list when none came.
     * {@code tlsKey} (base64url DER) is the public key offered for the first preparation delivered.
     */
    List<Command> poll(String session, Duration wait, String tlsKey) throws IOException {
        JsonNode answer = send("GET", "commands?wait=" + wait.toSeconds() + "&session=" + session + "&tls_key=" + tlsKey,
                null, wait.plus(REQUEST_TIMEOUT));
        return Protocol.json().convertValue(answer, Command.Batch.class).commands();
    }

    /** Posts results; returns the ids the control plane recorded. */
    List<String> report(List<Result> results) throws IOException {
        JsonNode answer = send("POST", "results", new Result.Batch(results), REQUEST_TIMEOUT);
        return Protocol.json().convertValue(answer, Result.Acknowledgement.class).acknowledged();
    }

    /** Has the authority sign the public key made for the instance of preparation {@code commandId}. */
    io.reddwarf.agent.protocol.CertificateRequest.Issued certify(String commandId, String publicKey) throws IOException {
        JsonNode answer = send("POST", "certificates", new io.reddwarf.agent.protocol.CertificateRequest(commandId, publicKey),
                REQUEST_TIMEOUT);
        return Protocol.json().convertValue(answer, io.reddwarf.agent.protocol.CertificateRequest.Issued.class);
    }

    private JsonNode send(String method, String path, Object body, Duration timeout) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(path))
                .timeout(timeout)
                .header(Protocol.HEADER, Integer.toString(Protocol.VERSION))
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Protocol.json().writeValueAsBytes(body)));
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = new String(response.body(), UTF_8);
        if (response.statusCode() / 100 != 2) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + text);
        }
        String version = response.headers().firstValue(Protocol.HEADER).orElse("");
        if (!version.equals(Integer.toString(Protocol.VERSION))) {
            throw new IOException("The control plane answered with agent protocol version '" + version + "'; this agent speaks "
                    + Protocol.VERSION + ".");
        }
        return text.isEmpty() ? Protocol.json().createObjectNode() : Protocol.json().readTree(text);
    }
}
