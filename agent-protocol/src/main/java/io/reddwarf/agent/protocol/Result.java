package io.reddwarf.agent.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * How a command ended. {@code outcome} is {@code ok} (with {@code value}) or {@code error} (with
 * {@code error}: a kind the control plane maps to a status, and a message fit for the instance's
 * fault). The agent keeps a result until the control plane acknowledges it.
 */
public record Result(String id, String outcome, JsonNode value, Failure error) {
    public static final String OK = "ok";
    public static final String ERROR = "error";

    public Result {
        Objects.requireNonNull(id, "id is null");
        if (!OK.equals(outcome) && !ERROR.equals(outcome)) {
            throw new IllegalArgumentException("outcome must be ok or error: " + outcome);
        }
    }

    public static Result ok(String id, JsonNode value) {
        return new Result(id, OK, value, null);
    }

    public static Result failed(String id, String kind, String message) {
        return new Result(id, ERROR, null, new Failure(kind, message));
    }

    /**
     * A driver does not implement the operation: {@code value} names it and the datastore, so the
     * control plane can say so in the driver's own words.
     */
    public static Result notSupported(String id, String operation, String datastoreType) {
        return new Result(id, ERROR, Protocol.json().createObjectNode().put("operation", operation)
                .put("datastore_type", datastoreType), new Failure(NOT_SUPPORTED, "The '" + operation
                + "' operation is not supported for the '" + datastoreType + "' datastore."));
    }

    /** Kinds of failure (see {@link Failure}). */
    public static final String UNSUPPORTED = "unsupported";
    public static final String INVALID = "invalid";
    public static final String REFUSED = "refused";
    public static final String NOT_SUPPORTED = "not_supported";
    public static final String DATASTORE = "datastore";
    public static final String INTERRUPTED = "interrupted";
    public static final String WITHDRAWN = "withdrawn";

    /**
     * Why a command failed. Kinds: {@code unsupported} (the operation is unknown to this agent),
     * {@code invalid} (its arguments are wrong), {@code refused} (the driver refused the request as
     * invalid for its engine), {@code not_supported} (the driver does not implement the operation),
     * {@code datastore} (the driver or engine failed), {@code interrupted} (the agent stopped while
     * running a command that is not safe to repeat), {@code withdrawn} (the control plane stopped
     * waiting before the agent took the command).
     */
    public record Failure(String kind, String message) {}

    /** What an agent posts: results not yet acknowledged. */
    public record Batch(List<Result> results) {
        public Batch {
            results = List.copyOf(results == null ? List.of() : results);
        }
    }

    /** What the control plane answers: the ids whose results it has recorded; the agent may forget them. */
    public record Acknowledgement(List<String> acknowledged) {
        public Acknowledgement {
            acknowledged = List.copyOf(acknowledged == null ? List.of() : acknowledged);
        }
    }
}
