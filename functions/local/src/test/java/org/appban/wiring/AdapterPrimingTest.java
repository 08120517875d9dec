package org.appban.wiring;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
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
    void priming_leaves_no_listing_thread_running_and_no_temporary_file_before_the_snapshot() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = appbanFiles(tmp);
        AdapterPriming.inventory();
        assertEquals(before, appbanFiles(tmp));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (listingThreads() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(0, listingThreads(), "the listing's threads ended");
    }

    private static Set<Path> appbanFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("appban-")).collect(Collectors.toSet());
        }
    }

    private static long listingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().contains("-listing-")).count();
    }

    @Test
    void the_jamf_webhook_path_reads_and_maps_one_mobile_device_and_one_computer() {
        assertEquals(java.util.List.of("1", "computer-1"), AdapterPriming.jamfDevices().stream().map(d -> d.mdmId()).toList());
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
