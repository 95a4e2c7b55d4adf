package io.reddwarf.server.api;

import io.reddwarf.core.quota.QuotaService;
import io.reddwarf.core.quota.QuotaUsage;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /v1.0/{project_id}/limits}: first the absolute limits ({@code verb: ABSOLUTE}, the project's
 * quotas as {@code max_<resource>}), then one rate limit per verb with what remains of the minute.
 */
@Path("/v1.0/{project_id}/limits")
@Produces(MediaType.APPLICATION_JSON)
public final class LimitsResource {
    private final QuotaService quotas;
    private final RateLimiter rateLimiter;

    @Inject
    public LimitsResource(QuotaService quotas, RateLimiter rateLimiter) {
        this.quotas = quotas;
        this.rateLimiter = rateLimiter;
    }

    @GET
    public Map<String, Object> list(@PathParam("project_id") String project) {
        List<Object> limits = new ArrayList<>();
        Map<String, Object> absolute = new LinkedHashMap<>();
        absolute.put("verb", "ABSOLUTE");
        for (QuotaUsage usage : quotas.show(project)) {
            absolute.put("max_" + usage.resource().troveName(), usage.limit());
        }
        limits.add(absolute);
        for (RateLimiter.Usage rate : rateLimiter.usage(project)) {
            limits.add(new Views.RateLimitJson(rate.verb(), "*", ".*", rate.value(), rate.remaining(), "MINUTE",
                    rate.nextAvailable().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()));
        }
        return Map.of("limits", limits);
    }
}
