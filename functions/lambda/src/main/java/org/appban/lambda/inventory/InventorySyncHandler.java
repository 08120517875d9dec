package org.appban.lambda.inventory;

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
 * it would publish).
 */
public final class InventorySyncHandler extends JsonHandler {
    private final InventorySync sync;

    public InventorySyncHandler() {
        this(new Production(Settings.fromEnvironment()).inventorySync());
        Priming.register("inventory-sync", InventorySyncHandler::warmUp);
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
        this.sync = sync;
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        Trigger t = Trigger.of(event);
        if (!(t instanceof Trigger.Schedule || t instanceof Trigger.DirectInvocation)) {
            throw Trigger.notHandled("inventory-sync", t, "its schedule {\"trigger\": \"schedule\"} and manual requests {\"trigger\": \"manual\"}");
        }
        StrictObject.Problems problems = new StrictObject.Problems("inventory sync request");
        StrictObject request = StrictObject.root(event, problems);
        String trigger = request.text("trigger");
        if ("schedule".equals(trigger)) {
            request.scheduleName("schedule", "inventory-hourly");
            request.rejectUnknownFields();
            problems.throwIfAny();
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
