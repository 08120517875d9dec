package org.appban.fleet.mdm;

import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.FleetInventory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import org.appban.domain.MdmKind;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.intune.IntuneGraphClient;
import org.appban.fleet.intune.IntuneGraphEnforcement;
import org.appban.fleet.intune.IntuneGraphInventory;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.fleet.jamf.JamfProClient;
import org.appban.fleet.jamf.JamfProEnforcement;
import org.appban.fleet.jamf.JamfProInventory;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.secrets.SecretSource;
import org.appban.json.Json;

/**
 * Builds the MDM adapters from the secret named by {@code MDM_SECRET_ARN}. The secret is JSON, one of:
 * <pre>
 * {"kind": "intune", "tenant": "...", "clientId": "...", "clientSecret": "...", "loginUrl"?: "...", "graphUrl"?: "..."}
 * {"kind": "jamf", "url": "https://x.jamfcloud.com", "clientId": "...", "clientSecret": "..."}
 * {"kind": "jamf", "url": "https://x.jamfcloud.com", "username": "...", "password": "..."}
 * </pre>
 * A malformed secret is reported by field name, never with its values.
 */
public final class MdmAdapters {
    /** Starts the display name of every MDM object appban creates. */
    public static final String PREFIX = "appban";

    /** The inventory and enforcement adapters of one MDM. */
    public record Mdm(MdmKind kind, FleetInventory inventory, FleetEnforcement enforcement) {
    }

    private MdmAdapters() {
    }

    /**
     * Every MDM the organisation runs: the setting {@code MDM_SECRET_ARN} (which the composition root reads and
     * passes in; adapters read no settings) may name several secrets, separated by commas (an organisation with
     * Intune for Android and Jamf for Apple devices has two).
     */
    public static java.util.List<Mdm> all(SecretSource secrets, String secretArns, RemoteOptions options) {
        return secretArns(secretArns).stream().map(arn -> fromSecret(secrets, arn, options)).toList();
    }

    /** The ARNs in a {@code MDM_SECRET_ARN} value, one per MDM, without reading the secrets. */
    public static java.util.List<String> secretArns(String arns) {
        return java.util.Arrays.stream(arns.split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
    }

    public static Mdm fromSecret(SecretSource secrets, String arn, RemoteOptions options) {
        Secret secret = secrets.secret(arn);
        String source = "secret " + arn;
        JsonNode root;
        try {
            root = Json.parse(secret.reveal());
        } catch (JsonProcessingException e) {
            // Jackson's message can quote the input: say only that it is not JSON.
            throw new InvalidInputException(source, "", "is not JSON");
        }
        StrictObject.Problems problems = new StrictObject.Problems(source);
        StrictObject o = StrictObject.root(root, problems);
        String kind = o.text("kind");
        Mdm mdm = null;
        if ("intune".equals(kind)) {
            String tenant = o.text("tenant");
            String clientId = o.text("clientId");
            String clientSecret = o.text("clientSecret");
            URI login = o.optionalText("loginUrl").map(URI::create).orElse(IntuneConnection.LOGIN);
            URI graph = o.optionalText("graphUrl").map(URI::create).orElse(IntuneConnection.GRAPH);
            o.rejectUnknownFields();
            problems.throwIfAny();
            mdm = intune(new IntuneConnection(login, graph, tenant, clientId, new Secret(clientSecret)), options);
        } else if ("jamf".equals(kind)) {
            String url = o.text("url");
            var clientId = o.optionalText("clientId");
            var clientSecret = o.optionalText("clientSecret");
            var username = o.optionalText("username");
            var password = o.optionalText("password");
            o.rejectUnknownFields();
            boolean oauth = clientId.isPresent() && clientSecret.isPresent();
            boolean basic = username.isPresent() && password.isPresent();
            if (oauth == basic) o.problem(null, "needs clientId and clientSecret, or username and password (exactly one pair)");
            problems.throwIfAny();
            URI base = URI.create(url);
            mdm = jamf(oauth ? JamfConnection.apiClient(base, clientId.get(), new Secret(clientSecret.get()))
                    : JamfConnection.user(base, username.get(), new Secret(password.get())), options);
        } else {
            if (kind != null) o.problem("kind", "must be intune or jamf");
            problems.throwIfAny();
        }
        return mdm;
    }

    public static Mdm intune(IntuneConnection connection, RemoteOptions options) {
        IntuneGraphClient graph = new IntuneGraphClient(connection, options);
        return new Mdm(MdmKind.INTUNE, new IntuneGraphInventory(graph), new IntuneGraphEnforcement(graph, PREFIX));
    }

    public static Mdm jamf(JamfConnection connection, RemoteOptions options) {
        JamfProClient jamf = new JamfProClient(connection, options);
        return new Mdm(MdmKind.JAMF, new JamfProInventory(jamf), new JamfProEnforcement(jamf, PREFIX));
    }
}
