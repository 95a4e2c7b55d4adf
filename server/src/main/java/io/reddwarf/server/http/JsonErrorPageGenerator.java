package io.reddwarf.server.http;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.server.api.ErrorResponses;
import java.nio.charset.StandardCharsets;
import org.glassfish.grizzly.http.server.ErrorPageGenerator;
import org.glassfish.grizzly.http.server.Request;

/**
 * Error bodies for failures Grizzly answers itself (malformed HTTP, overload), in the same Trove JSON
 * shape as every other error and never with an exception's details.
 */
public final class JsonErrorPageGenerator implements ErrorPageGenerator {
    @Override
    public String generate(Request request, int status, String reasonPhrase, String description, Throwable exception) {
        if (request != null && request.getResponse() != null) {
            request.getResponse().setContentType("application/json");
        }
        ErrorCode code = ErrorCode.forStatus(status);
        String message = status >= 500 ? "The server could not process the request." : "The request is malformed.";
        return new String(ErrorResponses.json(code, message), StandardCharsets.UTF_8);
    }
}
