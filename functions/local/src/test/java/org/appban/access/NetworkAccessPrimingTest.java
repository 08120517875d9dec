package org.appban.access;

import org.appban.lambda.access.NetworkAccessHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The network-access function's SnapStart priming runs the MDM webhook's whole path, as a delivery after a
 * quarantine takes it, not only its first lines: a priming that stopped early (a refused signature, a device not
 * found, a quarantine held back) would leave the rest to a restored function's first invocation.
 */
class NetworkAccessPrimingTest {
    @Test
    void the_webhook_priming_checks_a_signed_delivery_and_releases_a_quarantined_device_through_the_canned_nac() {
        MdmWebhook.Answer answer = NetworkAccessHandler.webhookOnSamples(AccessFixtures.POLICY);
        assertEquals(200, answer.status(), answer.body().toString());
        assertEquals("applied", answer.body().get("status"));
        assertTrue(answer.body().get("actions").toString().contains("release"), answer.body().toString());
    }
}
