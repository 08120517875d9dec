package org.appban.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.appban.exemption.ExemptionFixtures;
import org.appban.identity.RunAuthorisation;
import org.appban.json.Json;
import org.appban.ports.Ledger;

/**
 * Manual runs as they reach enforce-removal and network-access now: authorised by the admin function (the ledger
 * entry it writes for a proven administrator) and handed on as a {@code RunAuthorised} event naming only its id.
 */
public final class AuthorisedRuns {
    /** The approver who authorises the samples' runs. */
    public static final String BY = "arn:aws:sts::111122223333:assumed-role/appban-exemption-approver/rawiri";

    private AuthorisedRuns() {
    }

    /** A manual request that acts (not a dry run, not a log re-read): it needs a proven caller. */
    public static boolean acts(JsonNode event) {
        boolean manual = event.has("request") || (event.has("action") && !"ingest".equals(event.path("action").asText()));
        return manual && event.path("dryRun").isBoolean() && !event.path("dryRun").booleanValue();
    }

    /** Records the admin function's authorisation of {@code request} for {@code function} and returns the event that hands it on. */
    public static String handedOn(Ledger ledger, Instant now, String function, JsonNode request, String id) {
        RunAuthorisation.authorise(ledger, now, id, function, request, ExemptionFixtures.proven(BY));
        return Json.write(Json.object().put("version", "0").put("id", "event-" + id).put("detail-type", RunAuthorisation.DETAIL_TYPE)
                .put("source", RunAuthorisation.SOURCE).set("detail", Json.object().put("function", function).put("authorisation", id)));
    }

    /**
     * A sample as the function receives it now: an acting manual request comes authorised; {@code run-authorised.json}
     * finds its authorisation recorded (for {@code authorisedSample}, the request it stands for); anything else as it is.
     */
    public static String asDelivered(Ledger ledger, Instant now, String function, String sample, String name, JsonNode authorisedSample) {
        try {
            JsonNode event = Json.parse(sample);
            if (acts(event)) return handedOn(ledger, now, function, event, "run-" + name.replace(".json", ""));
            if (RunAuthorisation.DETAIL_TYPE.equals(event.path("detail-type").asText())) {
                RunAuthorisation.authorise(ledger, now, event.path("detail").path("authorisation").asText(), function, authorisedSample,
                        ExemptionFixtures.proven(BY));
            }
            return sample;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
