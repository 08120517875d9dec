package org.appban.wiring;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.time.Duration;
import org.appban.remote.ApiRequest;
import org.appban.remote.CannedTransport;
import org.junit.jupiter.api.Test;

/**
 * SnapStart priming runs each adapter's path to its end against canned answers. A request the canned table does not
 * answer gets a 404, which the adapters treat as a failure: so these fail when an adapter starts asking for
 * something its priming does not know.
 */
class AdapterPrimingTest {
    @Test
    void the_inventory_path_lists_every_mdm_and_the_registry_without_sending_anything() {
        assertDoesNotThrow(AdapterPriming::inventory);
    }

    @Test
    void the_enforcement_path_requests_a_check_in_through_each_mdm() {
        assertDoesNotThrow(AdapterPriming::enforcement);
    }

    @Test
    void the_network_access_path_reads_and_changes_an_endpoints_anc_policy() {
        assertDoesNotThrow(AdapterPriming::networkAccess);
    }

    @Test
    void a_request_the_table_does_not_answer_is_not_found() {
        CannedTransport canned = new CannedTransport().on("GET", "/known", "{}");
        assertEquals(200, canned.exchange("test", ApiRequest.to(URI.create("https://x.invalid/known?a=1")), null, Duration.ZERO).status());
        assertEquals(404, canned.exchange("test", ApiRequest.to(URI.create("https://x.invalid/other")), null, Duration.ZERO).status());
        assertEquals(404, canned.exchange("test", ApiRequest.to(URI.create("https://x.invalid/known")).post("{}"), null, Duration.ZERO).status());
    }
}
