package org.appban.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
    void aPlanThatIsNotACampaignIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CampaignPlan(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new CampaignPlan(10, 11, 0));
    }
}
