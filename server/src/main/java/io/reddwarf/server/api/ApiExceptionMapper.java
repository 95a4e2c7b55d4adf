package io.reddwarf.server.api;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Routes every exception that escapes a resource or Jersey itself through {@link ErrorResponses}. */
@Provider
public final class ApiExceptionMapper implements ExceptionMapper<Throwable> {
    @Override
    public Response toResponse(Throwable exception) {
        return ErrorResponses.of(exception);
    }
}
