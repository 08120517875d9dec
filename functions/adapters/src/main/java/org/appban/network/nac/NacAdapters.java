package org.appban.network.nac;

import org.appban.network.NetworkAccess;
import org.appban.network.RegisteredDevices;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import org.appban.input.InvalidInputException;
import org.appban.input.StrictObject;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.secrets.SecretSource;
import org.appban.json.Json;

/**
 * Builds the network access adapter from the secret named by {@code NAC_SECRET_ARN}:
 * {@code {"kind": "ise", "url": "https://ise.example:9060", "username": "...", "password": "...", "policyName"?: "Quarantine"}}.
 */
public final class NacAdapters {

    private NacAdapters() {
    }

    public static NetworkAccess fromSecret(SecretSource secrets, String arn, RemoteOptions options) {
        return ise(secrets, arn, options);
    }

    /** The NAC's device registry (its endpoint store), from the same secret as {@link #fromSecret}. */
    public static RegisteredDevices registryFromSecret(SecretSource secrets, String arn, RemoteOptions options) {
        return ise(secrets, arn, options);
    }

    private static CiscoIseNetworkAccess ise(SecretSource secrets, String arn, RemoteOptions options) {
        String source = "secret " + arn;
        JsonNode root;
        try {
            root = Json.parse(secrets.secret(arn).reveal());
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(source, "", "is not JSON");
        }
        StrictObject.Problems problems = new StrictObject.Problems(source);
        StrictObject o = StrictObject.root(root, problems);
        String kind = o.text("kind");
        String url = o.text("url");
        String username = o.text("username");
        String password = o.text("password");
        String policy = o.optionalText("policyName").orElse("Quarantine");
        o.rejectUnknownFields();
        if (kind != null && !kind.equals("ise")) o.problem("kind", "must be ise (the only NAC with an adapter so far)");
        problems.throwIfAny();
        return new CiscoIseNetworkAccess(new IseConnection(URI.create(url), username, new Secret(password), policy), options);
    }
}
