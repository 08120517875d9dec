package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.appban.cli.support.UsageException;
import org.junit.jupiter.api.Test;

/**
 * {@code ./appban bench coldstart --only FUNCTION} at its smallest (one run): a function measured alone finds what
 * its sample needs, because the functions whose runs leave it run first, unmeasured.
 */
class LambdaColdStartIT {
    @Test
    void theMdmWebhookMeasuredAloneFindsTheFleetItsSampleNamesAfterTheSetUpRunsTheRosterImportAndTheInventorySync() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = ColdStartBench.run(List.of("--only", "MdmWebhookFunction", "--runs", "1"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("set-up (not measured): roster import"), out);
        assertTrue(out.contains("set-up (not measured): inventory sync"), out);
        assertTrue(out.indexOf("set-up (not measured): roster import") < out.indexOf("set-up (not measured): inventory sync"), out);
        List<String> rows = out.lines().filter(l -> l.startsWith("MDM webhook (signed relay)")).toList();
        assertEquals(1, rows.size(), out);
        assertFalse(rows.get(0).contains("failed"), out);
        assertTrue(rows.get(0).substring("MDM webhook (signed relay)".length()).strip().matches("[0-9].*"), out);
        // Only the webhook is measured beside the baseline; the exit code is the target's (the machine's load decides it).
        assertFalse(out.contains("network access (daily run)"), out);
        assertTrue(exit == 0 || exit == 1, out);
    }

    @Test
    void theDirectMeasureTimesTheWebhookOnDeliveriesSignedWithTheStacksKeyNotARefusal() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ColdStartBench.run(List.of("--direct", "--phases", "--only", "MdmWebhookFunction", "--runs", "1"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        // A delivery signed with another key is answered 401, which the bench reports as a failed run.
        assertFalse(out.contains("failed"), out);
        List<String> phases = out.lines().filter(l -> l.startsWith("MdmWebhookFunction ") && l.contains("|")).toList();
        assertEquals(1, phases.size(), out);
        // The delivery was checked, claimed and applied: its run read the secret and the kill switch, not one call and out.
        assertTrue(phases.get(0).contains("SecretsManager:GetSecretValue") && phases.get(0).contains("Ssm:GetParameter"), out);
    }

    @Test
    void anUnknownFunctionIsNamedWithTheKnownOnes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // A usage error (exit 2 on the command line), not a bench of the baseline alone.
        UsageException e = assertThrows(UsageException.class,
                () -> ColdStartBench.run(List.of("--only", "NoSuchFunction", "--runs", "1"), new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("--only NoSuchFunction: no such function") && e.getMessage().contains("MdmWebhookFunction"), e.getMessage());
    }
}
