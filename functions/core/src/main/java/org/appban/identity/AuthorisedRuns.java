package org.appban.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.input.InvalidInputException;
import org.appban.ports.Ledger;

/**
 * The ledger's side of a manual run's authorisation (the whole protocol: {@code identity.RunAuthorisation} in
 * adapters, which also parses the request and names the event that hands it on). Here the request is the JSON text
 * exactly as the administrator's request was written, so that the services that redeem an authorisation need only
 * the {@link Ledger} port and the rules stay free of a JSON parser.
 */
public final class AuthorisedRuns {
    public static final String AUTHORISED = "admin.run-authorised";
    public static final String REDEEMED = "manual.run-redeemed";
    public static final Duration VALID = Duration.ofMinutes(15);

    /** What a function runs once it redeemed an authorisation: the request as authorised (JSON text), as its administrator. */
    public record Redeemed(String id, String request, Actor actor) {
    }

    private AuthorisedRuns() {
    }

    /**
     * Records the authorisation (admin function side); a retried invocation finds the same one.
     *
     * @param request the request as JSON text: an id used again with another request or function is refused
     */
    public static String authorise(Ledger ledger, Instant now, String id, String function, String request, ProvenPrincipal by) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("authorisation", id);
        details.put("function", function);
        details.put("request", request);
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
        return new Redeemed(id, d.get("request"), actor);
    }

    private static String key(String id) {
        return "run-authorisation/" + id;
    }
}
