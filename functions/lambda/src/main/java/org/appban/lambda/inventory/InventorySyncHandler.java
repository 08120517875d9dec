package org.appban.lambda.inventory;

import org.appban.inventory.InventoryRound;
import org.appban.inventory.InventorySync;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import org.appban.domain.Actor;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.identity.DirectInvocation;
import org.appban.lambda.Trigger;
import org.appban.lambda.JsonHandler;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.wiring.AdapterPriming;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * Inventory sync. Triggers: the hourly schedule ({@code {"trigger": "schedule"}}, as template.yaml sends it) and
 * manual requests ({@code {"trigger": "manual", "dryRun": true|false}}, dry-run by default: it reports the changes
 * it would publish). Deployed, the schedule hands the sync on to the function's own queue as a round of steps
 * ({@link InventoryRound}), and the queue's batches are those steps; a manual request still runs whole.
 */
public final class InventorySyncHandler extends JsonHandler {
    /** A step stops starting pages with this much of its invocation left: a page is an MDM request and a batch of writes. */
    static final long RESERVE_MILLIS = 60_000;
    private final InventorySync sync;
    private final InventoryRound round;

    public InventorySyncHandler() {
        this(new Production(Settings.fromEnvironment()));
        Priming.register("inventory-sync", InventorySyncHandler::warmUp);
    }

    private InventorySyncHandler(Production production) {
        this(production.inventorySync(), production);
    }

    private InventorySyncHandler(InventorySync sync, Production production) {
        this(sync, production.inventoryRound(sync));
    }

    /** @param round the hourly round on the function's queue, or null to run the schedule's sync whole */
    public InventorySyncHandler(InventorySync sync, InventoryRound round) {
        this.sync = sync;
        this.round = round;
    }

    /** SnapStart priming: the SDK calls, the MDM and NAC listings against canned answers, and the event JSON. */
    static void warmUp() {
        SdkPriming.secretsManager();
        SdkPriming.dynamoDb();
        SdkPriming.eventBridge();
        AdapterPriming.inventory();
        JsonHandler.warmUp("{\"trigger\":\"schedule\",\"schedule\":\"inventory-hourly\"}");
    }

    public InventorySyncHandler(InventorySync sync) {
        this(sync, (InventoryRound) null);
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        Trigger t = Trigger.of(event);
        if (t instanceof Trigger.SqsMessages batch && round != null) {
            String runId = context != null && context.getAwsRequestId() != null ? context.getAwsRequestId() : java.util.UUID.randomUUID().toString();
            java.util.function.BooleanSupplier timeLeft = () -> context == null || context.getRemainingTimeInMillis() > RESERVE_MILLIS;
            return round.steps(batch.work(), runId, context == null ? 0 : context.getRemainingTimeInMillis(), timeLeft, step -> {
                String line = org.appban.json.Json.write(step);
                if (context != null && context.getLogger() != null) context.getLogger().log(line + "\n");
                else System.out.println(line);
            });
        }
        if (!(t instanceof Trigger.Schedule || t instanceof Trigger.DirectInvocation)) {
            throw Trigger.notHandled("inventory-sync", t, "its schedule {\"trigger\": \"schedule\"}, manual requests {\"trigger\": \"manual\"} and its round's queue");
        }
        StrictObject.Problems problems = new StrictObject.Problems("inventory sync request");
        StrictObject request = StrictObject.root(event, problems);
        String trigger = request.text("trigger");
        if ("schedule".equals(trigger)) {
            request.scheduleName("schedule", "inventory-hourly");
            request.rejectUnknownFields();
            problems.throwIfAny();
            // Deployed, the hourly sync is a round of queued steps, for a fleet no invocation lists whole.
            if (round != null) return round.start("inventory-hourly");
            return sync.run(Actor.schedule("inventory-hourly"), false);
        }
        if ("manual".equals(trigger)) {
            boolean dryRun = request.bool("dryRun", true);
            request.rejectUnknownFields();
            problems.throwIfAny();
            // A direct invocation proves nobody: recorded as the unproven invoker it is, never as a name it wrote.
            return sync.run(DirectInvocation.ACTOR, dryRun);
        }
        if (trigger != null) request.problem("trigger", "must be schedule or manual, found '" + trigger + "'");
        problems.throwIfAny();
        throw new InvalidInputException("inventory sync request", "trigger", "is required");
    }
}
