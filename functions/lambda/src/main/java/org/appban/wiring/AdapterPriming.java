package org.appban.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.appban.domain.Platform;
import org.appban.fleet.mdm.MdmAdapters;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.json.Json;
import org.appban.network.EndpointKey;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.policy.BannedApp;
import org.appban.remote.CannedTransport;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;

/**
 * SnapStart priming of the MDM and NAC adapters: each runs the path a function's first invocation takes through it
 * (token, listing pages, parsing, mapping; a check-in request; an ANC lookup and change) against canned answers
 * ({@link CannedTransport}), on adapters of its own. Nothing is sent, no credential is read, the functions' adapters
 * (and their budgets and tokens) are not touched. Whatever MDM the organisation runs, both are primed: the classes
 * are the same few either way.
 */
public final class AdapterPriming {
    private static final URI BASE = URI.create("https://priming.invalid");
    private static final String DEVICE = "00000000-0000-4000-8000-000000000001";
    private static final String MAC = "02:00:00:00:00:01";
    private static final BannedApp APP = new BannedApp("Priming", Map.of(Platform.IOS, List.of("org.example.priming")),
            List.of("Priming"), Map.of(), List.of("priming.invalid"));

    private AdapterPriming() {
    }

    /** The inventory sync's path: the Intune and Jamf listings and the ISE registry. */
    public static void inventory() {
        drain(intuneMdm().inventory().devices(APP));
        drain(jamfMdm().inventory().devices(APP));
        drain(ise().registered());
    }

    /**
     * The Jamf Pro webhook's path: one device read from Jamf Pro by its id (the listing's passes, narrowed to it), a
     * mobile device and a computer, not the listings. Returns the devices read, so a priming that finds nothing (and so
     * maps nothing) shows.
     */
    public static List<org.appban.fleet.InventoriedDevice> jamfDevices() {
        var jamf = jamfMdm().inventory();
        return Stream.of(jamf.device(APP, "1"), jamf.device(APP, "computer-1")).flatMap(java.util.Optional::stream).toList();
    }

    /** Consumes a listing and closes it, as the sync does: its threads end and its local files are deleted before the snapshot. */
    private static void drain(Stream<?> listing) {
        try (listing) {
            listing.forEach(item -> { });
        }
    }

    /** Enforcement's path through each MDM: a check-in request. */
    public static void enforcement() {
        intuneMdm().enforcement().sync(List.of(DEVICE));
        jamfMdm().enforcement().sync(List.of("1"));
    }

    /** Network access's path through the NAC: the quarantine list, one endpoint's state, a quarantine and a release. */
    public static void networkAccess() {
        CiscoIseNetworkAccess ise = ise();
        EndpointKey key = new EndpointKey(org.appban.domain.MacAddress.parse(MAC), null);
        ise.quarantinedEndpoints();
        ise.state(key);
        ise.quarantine(key);
        ise.release(key);
    }

    /**
     * The NAC adapter on canned answers, for priming a function's path through it: endpoint {@code 02:00:00:00:00:01}
     * is registered and can be quarantined and released.
     */
    public static CiscoIseNetworkAccess cannedNac() {
        return ise();
    }

    private static MdmAdapters.Mdm intuneMdm() {
        return MdmAdapters.intune(new IntuneConnection(BASE, BASE, "priming", "priming", new Secret("priming")), options(AdapterPriming::intune));
    }

    private static MdmAdapters.Mdm jamfMdm() {
        return MdmAdapters.jamf(JamfConnection.apiClient(BASE, "priming", new Secret("priming")), options(AdapterPriming::jamf));
    }

    private static RemoteOptions options(Supplier<CannedTransport> answers) {
        return RemoteOptions.standard(Clock.systemUTC()).withTransport(answers.get());
    }

    private static CiscoIseNetworkAccess ise() {
        return new CiscoIseNetworkAccess(new IseConnection(BASE, "priming", new Secret("priming"), "priming"), options(AdapterPriming::iseAnswers));
    }

    private static CannedTransport intune() {
        ObjectNode company = device("company");
        ObjectNode personal = device("personal").put("id", "00000000-0000-4000-8000-000000000002");
        return new CannedTransport()
                .on("POST", "/oauth2/v2.0/token", "{\"access_token\":\"priming\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                .on("GET", "/detectedApps/app-1/managedDevices", page(Json.object().put("id", DEVICE)))
                .on("GET", "/deviceManagement/detectedApps", page(Json.object().put("id", "app-1").put("displayName", "Priming").put("platform", "ios")))
                .on("GET", "/deviceManagement/managedDevices", Json.write(Json.object().put("@odata.count", 2)
                        .set("value", Json.array().add(company).add(personal))))
                .on("POST", "/$batch", AdapterPriming::batchAnswer);
    }

    private static ObjectNode device(String ownerType) {
        return Json.object().put("id", DEVICE).put("managedDeviceOwnerType", ownerType).put("operatingSystem", "iOS")
                .put("emailAddress", "priming@priming.invalid").put("userPrincipalName", "priming@priming.invalid").put("model", "iPhone")
                .put("isSupervised", true).put("wiFiMacAddress", "020000000001").put("complianceState", "compliant")
                .put("lastSyncDateTime", "2024-01-01T00:00:00Z").put("serialNumber", "PRIMING");
    }

    private static String page(JsonNode item) {
        return Json.write(Json.object().set("value", Json.array().add(item)));
    }

    /** Every request of a Graph batch answered 204, by its id. */
    private static String batchAnswer(org.appban.remote.ApiRequest request) {
        ArrayNode responses = Json.array();
        try {
            for (JsonNode r : Json.parse(request.body()).path("requests")) responses.addObject().put("id", r.path("id").asText()).put("status", 204);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("priming: the batch request is not JSON", e);
        }
        return Json.write(Json.object().set("responses", responses));
    }

    private static CannedTransport jamf() {
        ObjectNode device = Json.object().put("mobileDeviceId", "1");
        device.putObject("general").put("deviceOwnershipType", "Institutional").put("supervised", true)
                .put("lastInventoryUpdateDate", "2024-01-01T00:00:00Z");
        device.putObject("hardware").put("model", "iPhone").put("wifiMacAddress", MAC).put("serialNumber", "PRIMING");
        device.putObject("userAndLocation").put("emailAddress", "priming@priming.invalid").put("username", "priming");
        device.putArray("applications").addObject().put("identifier", "org.example.priming").put("name", "Priming").put("managementStatus", "Managed");
        ObjectNode computer = Json.object().put("id", "1");
        computer.putObject("general").put("name", "Priming").put("reportDate", "2024-01-01T00:00:00Z");
        computer.putObject("hardware").put("model", "Mac").put("macAddress", MAC).put("serialNumber", "PRIMING");
        computer.putObject("userAndLocation").put("email", "priming@priming.invalid").put("username", "priming");
        computer.putArray("applications").addObject().put("bundleId", "org.example.priming").put("name", "Priming.app");
        return new CannedTransport()
                .on("GET", "/api/v1/computers-inventory", Json.write(Json.object().put("totalCount", 1).set("results", Json.array().add(computer))))
                .on("POST", "/api/oauth/token", "{\"access_token\":\"priming\",\"expires_in\":3600,\"token_type\":\"Bearer\"}")
                .on("GET", "/api/v2/mobile-devices/detail", Json.write(Json.object().put("totalCount", 1).set("results", Json.array().add(device))))
                .on("POST", "/JSSResource/mobiledevicecommands/command/UpdateInventory/id/", "<mobile_device_command><command>UpdateInventory</command></mobile_device_command>");
    }

    private static CannedTransport iseAnswers() {
        String listing = Json.write(Json.object().set("SearchResult", Json.object().put("total", 1)
                .set("resources", Json.array().add(Json.object().put("id", "endpoint-1").put("name", MAC)))));
        return new CannedTransport()
                .on("GET", "/ers/config/endpoint/endpoint-1", Json.write(Json.object().set("ERSEndPoint", Json.object()
                        .put("id", "endpoint-1").put("mac", MAC).put("portalUser", "priming@priming.invalid"))))
                .on("GET", "/ers/config/endpoint?", listing)
                .on("GET", "/ers/config/ancendpoint/endpoint-1", Json.write(Json.object().set("ErsAncEndpoint", Json.object()
                        .put("id", "endpoint-1").put("macAddress", MAC).put("policyName", "priming"))))
                .on("GET", "/ers/config/ancendpoint?", listing)
                .on("PUT", "/ers/config/ancendpoint/apply", "")
                .on("PUT", "/ers/config/ancendpoint/clear", "");
    }
}
