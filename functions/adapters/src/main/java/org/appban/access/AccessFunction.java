package org.appban.access;



/**
 * Everything the network-access handler calls: the rules run ({@link NetworkAccessService}), telemetry ingestion
 * and where its log objects come from, and the MDM webhook (null where the webhook is a function of its own, as
 * deployed: {@code org.appban.lambda.access.MdmWebhookHandler}), and the daily run as a round of queued steps
 * ({@link AccessRound}; null: the daily run reads the fleet in one invocation, as the rehearsal does).
 */
public record AccessFunction(NetworkAccessService service, TelemetryIngest telemetry, TelemetryObjects logs, MdmWebhook webhook,
                             AccessRound round) {
    public AccessFunction(NetworkAccessService service, TelemetryIngest telemetry, TelemetryObjects logs, MdmWebhook webhook) {
        this(service, telemetry, logs, webhook, null);
    }
}
