package org.appban.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.appban.domain.Actor;
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
    public static final String AUTHORISED = AuthorisedRuns.AUTHORISED;
    public static final String REDEEMED = AuthorisedRuns.REDEEMED;
    /** The EventBridge event that hands an authorisation on: source {@value #SOURCE}, detail-type {@value #DETAIL_TYPE}. */
    public static final String SOURCE = "appban.admin";
    public static final String DETAIL_TYPE = "RunAuthorised";
    public static final Duration VALID = AuthorisedRuns.VALID;

    /** What a function runs once it redeemed an authorisation: the request as authorised, as its administrator. */
    public record Redeemed(String id, JsonNode request, Actor actor) {
    }

    private RunAuthorisation() {
    }

    /** Records the authorisation (admin function side); a retried invocation finds the same one. */
    public static String authorise(Ledger ledger, Instant now, String id, String function, JsonNode request, ProvenPrincipal by) {
        return AuthorisedRuns.authorise(ledger, now, id, function, Json.write(request), by);
    }

    /**
     * The authorised request and its administrator (function side): {@link AuthorisedRuns#redeem}, its request parsed.
     *
     * @param eventId the id of the event that delivered it: the same event delivered again (a retry) runs again
     * @throws InvalidInputException naming {@code authorisation} when there is none by that id for this function, it
     *                               expired, or another event already ran it
     */
    public static Redeemed redeem(Ledger ledger, Instant now, String function, String id, String eventId) {
        return parsed(AuthorisedRuns.redeem(ledger, now, function, id, eventId));
    }

    /** A redeemed authorisation with its request parsed, as a handler reads it (the services redeem on the ledger alone). */
    public static Redeemed parsed(AuthorisedRuns.Redeemed run) {
        try {
            return new Redeemed(run.id(), Json.parse(run.request()), run.actor());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("authorisation " + run.id() + " holds a request that is not JSON", e);
        }
    }
}
