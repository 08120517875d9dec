package org.appban.access;



/**
 * Everything the network-access handler calls: the rules run ({@link NetworkAccessService}), telemetry ingestion
 * and where its log objects come from, and the MDM webhook (null where the webhook is a function of its own, as
 * deployed: {@code org.appban.lambda.access.MdmWebhookHandler}).
 */
public record AccessFunction(NetworkAccessService service, TelemetryIngest telemetry, TelemetryObjects logs, MdmWebhook webhook) {
}
