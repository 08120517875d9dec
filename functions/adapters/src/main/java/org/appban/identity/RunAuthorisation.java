package org.appban.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.ports.Ledger;

/**
 * How a manual run that acts in someone's name (enforce-removal or network-access, not a dry run) reaches its
 * function with a proven actor. The administrator asks the admin function URL, where AWS proves who they are; the
 * admin function writes the run's authorisation to the ledger (who, which function, the exact request, until when)
 * and hands on only the authorisation's id (an EventBridge event). The function reads the request and the
 * administrator from the ledger, never from the event: whoever can put events on the bus or invoke the function
 * can name an id, but cannot write the ledger, so cannot change the request or the name. Each authorisation runs
 * once (its redemption is a ledger entry keyed by the authorisation; a platform retry of the same event is let
 * through) and only within {@link #VALID} of being given.
 */
public final class RunAuthorisation {
    public static final String AUTHORISED = "admin.run-authorised";
    public static final String REDEEMED = "manual.run-redeemed";
    /** The EventBridge event that hands an authorisation on: source {@value #SOURCE}, detail-type {@value #DETAIL_TYPE}. */
    public static final String SOURCE = "appban.admin";
    public static final String DETAIL_TYPE = "RunAuthorised";
    public static final Duration VALID = Duration.ofMinutes(15);

    /** What a function runs once it redeemed an authorisation: the request as authorised, as its administrator. */
    public record Redeemed(String id, JsonNode request, Actor actor) {
    }

    private RunAuthorisation() {
    }

    /** Records the authorisation (admin function side); a retried invocation finds the same one. */
    public static String authorise(Ledger ledger, Instant now, String id, String function, JsonNode request, ProvenPrincipal by) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("authorisation", id);
        details.put("function", function);
        details.put("request", Json.write(request));
        details.put("by", by.arn());
        details.put("expires", now.plus(VALID).toString());
        LedgerEntry recorded = ledger.append(new LedgerRecord(now, by.actor(), null, null, AUTHORISED, "ok", false, key(id), details)).entry();
        if (!recorded.record().details().get("request").equals(details.get("request")) || !recorded.record().details().get("function").equals(function)) {
            throw new InvalidInputException("admin request", "requestId", "was already used for another run (authorisation " + id
                    + "); use a new request id");
        }
        return id;
    }

    /**
     * The authorised request and its administrator (function side).
     *
     * @param eventId the id of the event that delivered it: the same event delivered again (a retry) runs again
     * @throws InvalidInputException naming {@code authorisation} when there is none by that id for this function, it
     *                               expired, or another event already ran it
     */
    public static Redeemed redeem(Ledger ledger, Instant now, String function, String id, String eventId) {
        String source = function + " run authorisation";
        LedgerEntry given = Optional.ofNullable(id).flatMap(i -> ledger.byIdempotencyKey(key(i)))
                .filter(e -> e.record().action().equals(AUTHORISED))
                .orElseThrow(() -> new InvalidInputException(source, "authorisation", "no run authorisation '" + id
                        + "' in the ledger: manual runs are authorised by the admin function URL, which records them"));
        Map<String, String> d = given.record().details();
        if (!function.equals(d.get("function"))) {
            throw new InvalidInputException(source, "authorisation", "authorisation " + id + " is for " + d.get("function") + ", not " + function);
        }
        Instant expires = Instant.parse(d.get("expires"));
        if (!now.isBefore(expires)) {
            throw new InvalidInputException(source, "authorisation", "authorisation " + id + " expired at " + expires + "; ask the admin function again");
        }
        Actor actor = Actor.administrator(d.get("by"));
        Ledger.Appended redeemed = ledger.append(new LedgerRecord(now, actor, null, null, REDEEMED, "ok", false, key(id) + "/redeemed",
                Map.of("authorisation", id, "function", function, "event", eventId)));
        if (!redeemed.written() && !eventId.equals(redeemed.entry().record().details().get("event"))) {
            throw new InvalidInputException(source, "authorisation", "authorisation " + id + " was already carried out (event "
                    + redeemed.entry().record().details().get("event") + "); each runs once");
        }
        try {
            return new Redeemed(id, Json.parse(d.get("request")), actor);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("authorisation " + id + " holds a request that is not JSON", e);
        }
    }

    private static String key(String id) {
        return "run-authorisation/" + id;
    }
}
