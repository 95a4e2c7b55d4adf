package io.reddwarf.server.api;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.core.ReddwarfException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies of the API's routes. A body must be JSON and say so: without
 * {@code Content-Type: application/json} it is 415 {@code badMediaType} (Jersey's own matching
 * lets a body without any content type through). Every body is capped while it is read: past the
 * limit, reading fails with 413 {@code requestEntityTooLarge}, so a body sent in chunks, which
 * declares no length, is never buffered beyond the limit either. (A declared length over the limit
 * is refused before Jersey runs, by {@code io.reddwarf.server.http.RequestGuard}.)
 *
 * <p>Runs after routing: an unknown URL stays 404 and a wrong method 405, whatever the body.
 */
@Priority(Priorities.ENTITY_CODER)
public final class RequestBodyFilter implements ContainerRequestFilter {
    /** {@code api.max-body-bytes} unless {@code reddwarf.properties} says otherwise: 1 MiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private final long maxBodyBytes;

    public RequestBodyFilter(long maxBodyBytes) {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive");
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (hasBody(request) && !isJson(request.getHeaderString(HttpHeaders.CONTENT_TYPE))) {
            request.abortWith(ErrorResponses.of(ErrorCode.BAD_MEDIA_TYPE, ErrorResponses.BAD_MEDIA_TYPE_MESSAGE));
            return;
        }
        request.setEntityStream(new CappedInputStream(request.getEntityStream(), maxBodyBytes));
    }

    /** A body is announced by a length above zero or by chunks (whose length is not known yet). */
    private static boolean hasBody(ContainerRequestContext request) {
        if (request.getHeaderString("Transfer-Encoding") != null) {
            return true;
        }
        String length = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        try {
            return length != null && Long.parseLong(length.strip()) > 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** {@code application/json}, with parameters such as a charset or without. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        try {
            MediaType type = MediaType.valueOf(contentType);
            return type.getType().equalsIgnoreCase("application") && type.getSubtype().equalsIgnoreCase("json");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Reads through until more than {@code max} bytes have come, then fails. */
    static final class CappedInputStream extends FilterInputStream {
        private final long max;
        private long read;

        CappedInputStream(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            count(0);
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            count(0);
            // One byte more than the limit allows tells "exactly at the limit" from "over it".
            int n = super.read(b, off, (int) Math.min(len, max - read + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            count(0);
            long skipped = super.skip(Math.min(n, max - read + 1));
            count(skipped);
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        private void count(long n) {
            read += n;
            if (read > max) {
                throw new ReddwarfException(ErrorCode.REQUEST_ENTITY_TOO_LARGE,
                        ErrorResponses.bodyTooLargeMessage(max));
            }
        }
    }
}
