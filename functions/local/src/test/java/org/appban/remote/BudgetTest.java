package org.appban.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.appban.testing.ProjectLayout;
import org.junit.jupiter.api.Test;

class BudgetTest {
    @Test
    void a_budget_leased_in_batches_never_lets_its_window_see_more_than_its_limit_and_leaves_it_at_least_nine_tenths() {
        for (int limit : new int[]{1, 2, 100, 200, 2000, 3500}) {
            Budget b = new Budget("k", "x", limit, Duration.ofSeconds(20));
            assertTrue(b.atMostIn(b.window()) <= limit + 1e-9, limit + ": " + b.atMostIn(b.window()));
            if (limit >= 40) assertTrue(b.perSecond() * 20 >= 0.9 * limit, limit + ": steady " + b.perSecond() * 20);
            assertTrue(b.burst() >= 1 && b.burst() <= Math.max(1, limit / 40));
        }
    }

    @Test
    void an_in_process_bucket_shaped_by_a_budget_keeps_every_window_within_it() {
        AtomicLong now = new AtomicLong();
        Budget budget = new Budget("k", "writes", 200, Duration.ofSeconds(20));
        TokenBucket b = TokenBucket.of(budget, now::get);
        long[] sentAt = new long[10_000];
        int sent = 0;
        for (long t = 0; t < 60_000_000_000L; t += 1_000_000L) {
            now.set(t);
            while (b.tryTake().isZero()) sentAt[sent++] = t;
        }
        for (int i = 0, j = 0; i < sent; i++) {
            while (sentAt[j] <= sentAt[i] - 20_000_000_000L) j++;
            assertTrue(i - j + 1 <= 200, "window ending " + sentAt[i] + " saw " + (i - j + 1));
        }
        assertTrue(sent >= 0.9 * 600, "used " + sent + " of 600");
    }

    @Test
    void ise_calls_per_second_defaults_to_half_the_published_ceiling() {
        assertEquals(50, ApiBudgets.fromSetting(Optional.empty()).iseCallsPerSecond());
        assertEquals(60, ApiBudgets.fromSetting(Optional.of(" 60 ")).iseCallsPerSecond());
        Budget ise = ApiBudgets.DEFAULT.ise("ise.example:9060");
        assertEquals("ise/ise.example:9060", ise.key());
        assertTrue(ise.atMostIn(Duration.ofSeconds(1)) <= ApiBudgets.ISE_PUBLISHED_TPS);
    }

    @Test
    void a_misconfigured_ise_budget_is_refused_naming_the_setting() {
        for (String bad : new String[]{"0", "-5", "fast", "1.5", "100", "1000"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiBudgets.fromSetting(Optional.of(bad)), bad);
            assertTrue(e.getMessage().startsWith(ApiBudgets.ISE_SETTING + " "), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ApiBudgets.fromSetting(Optional.of("100"))).getMessage()
                .contains("above the published limit"));
    }

    @Test
    void the_largest_ise_setting_is_the_one_the_template_allows() throws Exception {
        int max = ApiBudgets.iseMaximum();
        new ApiBudgets(max);
        assertThrows(IllegalArgumentException.class, () -> new ApiBudgets(max + 1));
        String template = java.nio.file.Files.readString(ProjectLayout.template());
        String param = template.substring(template.indexOf("  IseCallsPerSecond:"));
        assertTrue(param.substring(0, param.indexOf("Description")).contains("MaxValue: " + max), "template's IseCallsPerSecond MaxValue is " + max);
        assertTrue(param.contains("Default: " + ApiBudgets.ISE_DEFAULT));
    }

    @Test
    void a_budget_scale_of_zero_or_less_is_refused() {
        RemoteOptions o = RemoteOptions.standard(java.time.Clock.systemUTC());
        assertThrows(IllegalArgumentException.class, () -> o.withBudgetScale(0));
        assertThrows(IllegalArgumentException.class, () -> o.withBudgetScale(-1));
    }
}
