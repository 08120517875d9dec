package org.appban.admin.requests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.appban.admin.AdminRequest;
import org.appban.admin.AdminRequestJson;
import org.appban.admin.Caller;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;

/**
 * The admin service's JSON face, what the admin function (and the rehearsal, the CLI) call: a request read strictly
 * from JSON ({@link AdminRequestJson}), run by {@link Administration}, and its {@link AdminAnswer} written as the
 * envelope people and scripts read:
 *
 * <p>{@code {"status": "done"|"pending", "operation", "caller", "callerSource", "at", "result"}}; a rejected request
 * gets {@code {"status": "rejected", "operation", "caller", "callerSource", "at", "source", "error", "problems":
 * [{where, problem}]}} (no {@code operation} when it named none the service knows).
 */
public final class AdministrationJson {
    private final Administration service;

    public AdministrationJson(Administration service) {
        this.service = service;
    }

    /**
     * Reads, runs and records one request. A request that cannot be read is recorded too, as rejected.
     *
     * @param invocationId unique per invocation (Lambda's request id), see {@link Administration#handle}
     */
    public ObjectNode handle(JsonNode request, Caller caller, String invocationId) {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(invocationId, "invocationId");
        AdminRequest parsed;
        try {
            parsed = AdminRequestJson.parse(request);
        } catch (InvalidInputException e) {
            return envelope(service.rejected(e, AdminRequestJson.operationOf(request), caller, invocationId));
        }
        return envelope(service.handle(parsed, AdminRequestJson.text(request), caller, invocationId));
    }

    /** Records and answers a request that could not even be read (e.g. a function URL body that is not JSON). */
    public ObjectNode rejected(InvalidInputException e, Caller caller, String invocationId) {
        return envelope(service.rejected(e, null, caller, invocationId));
    }

    /** The answer as the function's envelope: its fields in this order, the result (or the problems) as JSON values. */
    public static ObjectNode envelope(AdminAnswer answer) {
        ObjectNode o = Json.object();
        o.put("status", answer.status());
        if (answer.operation() != null) o.put("operation", answer.operation());
        o.put("caller", answer.caller().identity());
        o.put("callerSource", answer.caller().source());
        o.put("at", answer.at().toString());
        if (answer.rejected() != null) {
            // status, source, error, problems: the same status again, so its place in the envelope stays first.
            o.setAll((ObjectNode) Json.tree(answer.rejected().rejected()));
        } else {
            o.set("result", Json.tree(answer.result()));
        }
        return o;
    }
}
