package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.bench.CampaignCost.Bill;
import org.appban.bench.CampaignCost.Usage;
import org.junit.jupiter.api.Test;

class CampaignCostTest {
    private static final double CENT_FRACTION = 1e-12;

    @Test
    void aThousandEmailsCostTenCentsAtSesListPrice() {
        Bill bill = CampaignCost.bill(new Usage(0, 0, 1024, 0, 0, 1000, 0, 0, 0));
        assertEquals(0.10, bill.ses(), CENT_FRACTION);
        assertEquals(0.10, bill.total(), CENT_FRACTION);
        assertEquals(0, bill.besidesMail(), CENT_FRACTION);
    }

    @Test
    void lambdaBillsGigabyteSecondsAtTheFunctionsMemoryAndEachRequest() {
        // 1,000 invocations of 2 s at 1024 MB: 2,000 GB-s, and 1,000 requests.
        Bill oneGb = CampaignCost.bill(new Usage(1000, 2_000_000, 1024, 0, 0, 0, 0, 0, 0));
        assertEquals(2000 * 0.0000133334 + 1000 * 0.20 / 1e6, oneGb.lambda(), CENT_FRACTION);
        // Half the memory, half the duration charge; the request charge is the same.
        Bill halfGb = CampaignCost.bill(new Usage(1000, 2_000_000, 512, 0, 0, 0, 0, 0, 0));
        assertEquals(1000 * 0.0000133334 + 1000 * 0.20 / 1e6, halfGb.lambda(), CENT_FRACTION);
    }

    @Test
    void dynamoDbOnDemandChargesWritesFiveTimesReads() {
        Bill bill = CampaignCost.bill(new Usage(0, 0, 1024, 1_000_000, 1_000_000, 0, 0, 0, 0));
        assertEquals(0.125 + 0.625, bill.dynamoDb(), CENT_FRACTION);
    }

    @Test
    void sqsAndEventBridgeArePerMillion() {
        Bill bill = CampaignCost.bill(new Usage(0, 0, 1024, 0, 0, 0, 2_000_000, 1_000_000, 1_000_000));
        assertEquals(0.80, bill.sqs(), CENT_FRACTION);
        assertEquals(2.00, bill.eventBridge(), CENT_FRACTION);
    }

    @Test
    void roundsRepeatAndAddUp() {
        Usage round = new Usage(3, 1500, 1024, 10.5, 4, 7, 2, 1, 1);
        Usage campaign = round.times(4).plus(Usage.none(1024));
        assertEquals(new Usage(12, 6000, 1024, 42, 16, 28, 8, 4, 4), campaign);
        assertEquals(CampaignCost.bill(round).total() * 4, CampaignCost.bill(campaign).total(), CENT_FRACTION);
        assertThrows(IllegalArgumentException.class, () -> round.plus(new Usage(1, 1, 512, 0, 0, 0, 0, 0, 0)),
                "usage at two memory sizes has no one GB-second price");
    }

    @Test
    void theTargetsAreTwiceTheMailAndHalfACentAMember() {
        // 1,000 members, 4 emails each: SES US$0.40. Everything else US$0.39: within twice the mail, US$0.00079 a member.
        Bill within = new Bill(0.20, 0.15, 0.40, 0.03, 0.01);
        assertTrue(CampaignCost.targets(within, 1000).met());
        // Everything else more than the mail.
        Bill over = new Bill(0.30, 0.15, 0.40, 0.0, 0.0);
        assertFalse(CampaignCost.targets(over, 1000).withinTwiceMail());
        assertTrue(CampaignCost.targets(over, 1000).underPerMember());
        // Within twice the mail, but US$0.006 a member.
        Bill dear = new Bill(1.0, 1.0, 4.0, 0, 0);
        assertTrue(CampaignCost.targets(dear, 1000).withinTwiceMail());
        assertFalse(CampaignCost.targets(dear, 1000).underPerMember());
        assertEquals(0.006, CampaignCost.targets(dear, 1000).perMember(), CENT_FRACTION);
    }

    @Test
    void theBundledPoliciesCampaignIsFourWeeksWithFiveRosterMailingsAndAWeekOfQuarantines() throws Exception {
        JsonNode policy = ScaleBench.bundledPolicy();
        CampaignPlan plan = CampaignPlan.of(policy);
        // 17 March to 31 March 2023 is 14 days, then 14 after the deadline.
        assertEquals(28, plan.days());
        // announcement, two reminders, deadline, overdue.
        assertEquals(5, plan.stageRounds());
        // Grace of 7 days, then daily runs for the rest of the 14 days after the deadline.
        assertEquals(7, plan.accessDays());
        assertEquals(672, plan.inventoryRounds());
        assertEquals(23, plan.notifyQuietRounds());
        assertEquals(2L * 5 * 3 * 60 * 24 * 28, plan.idlePolls(2));
    }

    @Test
    void idlePollingCountsEveryQueueTemplateYamlMapsToAFunctionEachWithAMaximumConcurrency() throws Exception {
        JsonNode template = template();
        assertEquals(new TreeSet<>(List.of("AccessWork", "EnforceRoundWork", "EnforceWorkQueue", "ExemptionSweepWork", "InventoryWork",
                "NotifyWork", "RosterImportWork")), CampaignPlan.mappedQueues(template));
        // Five pollers a queue holds only where the mapping sets a maximum concurrency (without one Lambda may scale down to two).
        template.path("Resources").properties().forEach(r -> {
            if (!"AWS::Lambda::EventSourceMapping".equals(r.getValue().path("Type").asText())) return;
            String source = r.getValue().path("Properties").path("EventSourceArn").path("Fn::GetAtt").path(0).asText();
            if (!"AWS::SQS::Queue".equals(template.path("Resources").path(source).path("Type").asText())) return;
            assertTrue(r.getValue().path("Properties").path("ScalingConfig").path("MaximumConcurrency").isInt(),
                    r.getKey() + " sets no MaximumConcurrency: CampaignPlan.idlePolls's five pollers would not hold for it");
        });
    }

    @Test
    void theReadmesFixedCostOfIdlePollingIsTheTemplatesMappedQueues() throws Exception {
        String readme = Files.readString(LocalEmulator.root().resolve("README.md"));
        Matcher stated = Pattern.compile("Idle polling is US\\$([0-9.]+) a campaign at any size\\. It is (\\d+) mapped queues \\(([^)]*)\\)")
                .matcher(readme);
        assertTrue(stated.find(), "README's Scale and cost no longer states the fixed cost of idle polling as this test reads it");
        SortedSet<String> mapped = CampaignPlan.mappedQueues(template());
        assertEquals(mapped.size(), Integer.parseInt(stated.group(2)), "README counts " + stated.group(2) + " mapped queues; template.yaml maps " + mapped);
        assertEquals(mapped, new TreeSet<>(List.of(stated.group(3).split(",\\s*"))));
        CampaignPlan plan = CampaignPlan.of(ScaleBench.bundledPolicy());
        double polling = CampaignCost.bill(new Usage(0, 0, 0, 0, 0, 0, plan.idlePolls(mapped.size()), 0, 0)).total();
        assertEquals(polling, Double.parseDouble(stated.group(1)), 0.00005, "README's figure for idle polling");
    }

    private static JsonNode template() throws java.io.IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(LocalEmulator.root().resolve("template.yaml").toFile());
    }

    @Test
    void aPlanThatIsNotACampaignIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CampaignPlan(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CampaignPlan(10, 11, 0));
    }
}
