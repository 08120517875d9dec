package org.appban.lambda.ledger;

import org.appban.ledger.LedgerAnchor;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.aws.SdkPriming;
import org.appban.input.StrictObject;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.lambda.Priming;
import org.appban.lambda.Trigger;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * The ledger-digest function: anchors the ledger's chain heads in the Object Lock digest bucket ({@link LedgerAnchor}).
 * From the ledger table's stream: a batch of appends (a run's, gathered by the mapping's batching window) triggers a
 * digest, so a run that changed the ledger is anchored within about a minute. Hourly from its schedule, which writes a
 * digest when a head moved unseen by the stream (and at least daily, the heartbeat the check looks for); an
 * administrator may ask for one now ({@code {"request": "anchor"}}, for instance right before an export). Whatever
 * the trigger, the anchor reads the heads afresh: a stream batch whose appends an earlier digest already covers
 * writes nothing. Its own function: it alone may write digests (template.yaml), and it reads nothing but the ledger's heads.
 *
 * <p>A run that finds a chain gone, shorter, or with another hash at an anchored entry writes the digest (what the
 * table holds now) and then fails, so the function's Errors alarm tells the administrators at once; the report in
 * the log names each chain. The retry finds the heads as just anchored and succeeds.
 */
public final class LedgerDigestHandler extends JsonHandler {
    private final LedgerAnchor anchor;

    public LedgerDigestHandler() {
        this(new Production(Settings.fromEnvironment()).ledgerAnchor());
        Priming.register("ledger-digest", LedgerDigestHandler::warmUp);
    }

    public LedgerDigestHandler(LedgerAnchor anchor) {
        this.anchor = anchor;
    }

    /** The ledger's history was changed since the last digest: raised after the new digest is written. */
    public static final class LedgerChanged extends RuntimeException {
        public LedgerChanged(String message) {
            super(message);
        }
    }

    /** SnapStart priming: the SDK calls and the events read; nothing is read from the ledger or the bucket. */
    static void warmUp() {
        SdkPriming.dynamoDb();
        SdkPriming.s3();
        trigger(JsonHandler.warmUp("{\"trigger\":\"schedule\",\"schedule\":\"ledger-digest-hourly\"}"));
        trigger(JsonHandler.warmUp("{\"request\":\"anchor\"}"));
        trigger(JsonHandler.warmUp("{\"Records\":[{\"eventSource\":\"aws:dynamodb\",\"eventName\":\"INSERT\"}]}"));
    }

    private static final String EXPECTED = "the ledger table's stream, its hourly schedule and {\"request\": \"anchor\"}";

    @Override
    protected Object handle(JsonNode event, Context context) {
        String trigger = switch (Trigger.of(event)) {
            // Its three forms, each then read strictly (a stream batch's sources, the schedule's and the request's fields).
            case Trigger.StreamRecords s -> trigger(event);
            case Trigger.Schedule s -> trigger(event);
            case Trigger.DirectInvocation d -> trigger(event);
            case Trigger.SqsMessages t -> throw new InvalidInputException("ledger-digest event", "Records[0].eventSource",
                    "must be aws:dynamodb (the ledger table's stream): this function is not triggered by " + t.describe());
            case Trigger.S3Objects t -> throw new InvalidInputException("ledger-digest event", "Records[0].eventSource",
                    "must be aws:dynamodb (the ledger table's stream): this function is not triggered by " + t.describe());
            case Trigger.EventBridgeEvent t -> throw Trigger.notHandled("ledger-digest", t, EXPECTED);
            case Trigger.FunctionUrlCall t -> throw Trigger.notHandled("ledger-digest", t, EXPECTED);
        };
        LedgerAnchor.Outcome o = anchor.anchor();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("trigger", trigger);
        out.put("status", o.anomalies().isEmpty() ? "done" : "ledger-changed");
        out.put("result", o.result());
        out.put("digest", o.number());
        out.put("key", o.key());
        out.put("at", o.at().toString());
        out.put("chains", o.chains());
        if (!o.anomalies().isEmpty()) out.put("anomalies", o.anomalies());
        String json = Json.write(out);
        if (context != null && context.getLogger() != null) context.getLogger().log(json + "\n");
        else System.out.println(json);
        if (!o.anomalies().isEmpty()) {
            throw new LedgerChanged("the ledger lost or changed anchored history since the previous digest: " + String.join("; ", o.anomalies()));
        }
        return out;
    }

    /**
     * {@code schedule:<name>}, {@code manual} or {@code stream:<n>} (a batch of n ledger-table stream records), from an
     * event that must be exactly one of the three forms. A stream record's content is not used (the anchor reads the
     * heads itself), so only its source is checked: a batch from anything but DynamoDB is a wiring mistake.
     */
    static String trigger(JsonNode event) {
        StrictObject.Problems problems = new StrictObject.Problems("ledger-digest event");
        StrictObject o = StrictObject.root(event, problems);
        String result;
        if (event != null && event.has("Records")) {
            List<StrictObject> records = o.objects("Records", true);
            if (event.get("Records").isArray() && event.get("Records").isEmpty()) o.problem("Records", "must hold at least one stream record");
            for (StrictObject r : records) {
                String source = r.text("eventSource");
                if (source != null && !source.equals("aws:dynamodb")) r.problem("eventSource", "must be aws:dynamodb (the ledger table's stream)");
            }
            result = "stream:" + records.size();
        } else if (event != null && event.has("request")) {
            String request = o.text("request");
            if (request != null && !request.equals("anchor")) o.problem("request", "must be anchor");
            result = "manual";
        } else {
            String trigger = o.text("trigger");
            String schedule = o.scheduleName("schedule", "ledger-digest-hourly");
            if (trigger != null && !trigger.equals("schedule")) o.problem("trigger", "must be schedule (or send {\"request\": \"anchor\"})");
            result = "schedule:" + schedule;
        }
        o.rejectUnknownFields();
        problems.throwIfAny();
        return result;
    }
}
