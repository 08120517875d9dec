package org.appban.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.UUID;
import org.appban.domain.MdmKind;
import org.appban.fleet.mdm.MdmAdapters;
import org.appban.fleet.SimulatedFleet;
import org.appban.input.InvalidInputException;
import org.appban.network.EndpointKey;
import org.appban.network.nac.NacAdapters;
import org.appban.sim.Simulators;
import org.appban.testing.AwsEmulator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Credentials read from Secrets Manager (on the AWS emulator) drive the real adapters against the simulators.
 */
class SecretsManagerSecretSourceIT {
    private static SecretsManagerClient client;

    @BeforeAll
    static void emulator() {
        client = AwsEmulator.shared().clients().secretsManager();
    }

    private static String store(String value) {
        return client.createSecret(b -> b.name("appban-it-" + UUID.randomUUID()).secretString(value)).arn();
    }

    @Test
    void theMdmAndNacAdaptersAreBuiltFromTheirSecretsAndWork() {
        try (SimulatedFleet fleet = SimulatedFleet.sample()) {
            String mdmArn = store("{\"kind\":\"intune\",\"tenant\":\"" + Simulators.TENANT + "\",\"clientId\":\"" + Simulators.GRAPH_CLIENT_ID
                    + "\",\"clientSecret\":\"" + Simulators.GRAPH_CLIENT_SECRET + "\",\"loginUrl\":\"" + fleet.sims.intune().baseUri()
                    + "\",\"graphUrl\":\"" + fleet.sims.intune().baseUri() + "\"}");
            String nacArn = store("{\"kind\":\"ise\",\"url\":\"" + fleet.sims.ise().baseUri() + "\",\"username\":\"" + Simulators.ISE_USER
                    + "\",\"password\":\"" + Simulators.ISE_PASSWORD + "\"}");
            SecretSource secrets = new SecretsManagerSecretSource(client);
            var mdm = MdmAdapters.fromSecret(secrets, mdmArn, fleet.options);
            assertEquals(MdmKind.INTUNE, mdm.kind());
            assertEquals(fleet.sims.world().devices().stream().filter(d -> d.enrolledIn(org.appban.sim.fleet.FleetDevice.Mdm.INTUNE)).count(),
                    mdm.inventory().devices(SimulatedFleet.APP).count());
            var nac = NacAdapters.fromSecret(secrets, nacArn, fleet.options);
            assertEquals(EndpointKey.Kind.MAC, nac.quarantine(EndpointKey.mac(org.appban.domain.MacAddress.parse("02:AB:00:00:00:07"))).keyUsed());
        }
    }

    @Test
    void aMalformedSecretIsReportedByFieldWithoutItsValues() {
        String arn = store("{\"kind\":\"jamf\",\"url\":\"https://jamf.example\",\"clientId\":\"id\",\"password\":\"hunter2\",\"colour\":\"x\"}");
        InvalidInputException e;
        try (SimulatedFleet fleet = SimulatedFleet.sample()) {
            e = assertThrows(InvalidInputException.class,
                    () -> MdmAdapters.fromSecret(new SecretsManagerSecretSource(client), arn, fleet.options));
        }
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertEquals(true, e.getMessage().contains("colour: unknown field"), e.getMessage());
    }

    @Test
    void aMissingSecretIsNamedByItsArn() {
        SecretUnavailableException e = assertThrows(SecretUnavailableException.class,
                () -> new SecretsManagerSecretSource(client).secret("arn:aws:secretsmanager:ap-southeast-2:000000000000:secret:nope"));
        assertEquals(true, e.getMessage().contains("nope"));
    }
}
