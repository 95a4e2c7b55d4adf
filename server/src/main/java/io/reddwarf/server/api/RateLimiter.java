package io.reddwarf.server.api;

import static java.util.Objects.requireNonNull;

import io.reddwarf.core.ErrorCode;
import io.reddwarf.server.auth.AuthFilter;
import io.reddwarf.server.auth.Principal;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trove's rate limits: each project may send at most {@code perMinute} requests of each verb (GET,
 * POST, PUT, DELETE) per minute, counted in fixed one-minute windows. A request over the limit is
 * answered {@code 413 overLimit} with {@code Retry-After} (seconds) and is not processed. Runs after
 * authentication; requests without a principal (the version documents) are not counted.
 */
@PreMatching
@Priority(Priorities.AUTHENTICATION + 10)
public final class RateLimiter implements ContainerRequestFilter {
    /** Trove's default for every verb. */
    public static final int DEFAULT_PER_MINUTE = 200;
    static final List<String> VERBS = List.of("POST", "PUT", "DELETE", "GET");
    static final String MESSAGE = "This request was rate-limited.";
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final int perMinute;
    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public RateLimiter(int perMinute, Clock clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("perMinute must be at least 1");
        }
        this.perMinute = perMinute;
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** One verb's state for a project, as {@code GET /limits} shows it. */
    public record Usage(String verb, int value, int remaining, Instant nextAvailable) {
    }

    private record Window(Instant start, int used) {
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!(request.getProperty(AuthFilter.PRINCIPAL_PROPERTY) instanceof Principal principal)) {
            return;
        }
        String verb = request.getMethod();
        if (!VERBS.contains(verb)) {
            return;
        }
        Instant now = clock.instant();
        Window window = windows.compute(principal.projectId() + " " + verb, (key, current) -> {
            if (current == null || !now.isBefore(current.start.plus(WINDOW))) {
                return new Window(now, 1);
            }
            return new Window(current.start, current.used + 1);
        });
        if (window.used > perMinute) {
            long retryAfter = Math.max(1, Duration.between(now, window.start.plus(WINDOW)).toSeconds());
            Map<String, Object> fault = new LinkedHashMap<>();
            fault.put("code", ErrorCode.OVER_LIMIT.status());
            fault.put("message", MESSAGE);
            fault.put("retryAfter", Long.toString(retryAfter));
            request.abortWith(Response.status(ErrorCode.OVER_LIMIT.status())
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .header("Retry-After", Long.toString(retryAfter))
                    .entity(Map.of(ErrorCode.OVER_LIMIT.troveName(), fault))
                    .build());
        }
    }

    /** The project's state for every verb. */
    public List<Usage> usage(String projectId) {
        Instant now = clock.instant();
        return VERBS.stream().map(verb -> {
            Window window = windows.get(projectId + " " + verb);
            if (window == null || !now.isBefore(window.start.plus(WINDOW))) {
                return new Usage(verb, perMinute, perMinute, now);
            }
            int remaining = Math.max(0, perMinute - window.used);
            return new Usage(verb, perMinute, remaining, remaining > 0 ? now : window.start.plus(WINDOW));
        }).toList();
    }
}
