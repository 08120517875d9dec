package org.appban.policy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;

/**
 * A policy's local date-time read as exactly one instant in its zone, or refused.
 *
 * <p>java.time resolves a local time that does not exist (spring forward) by moving it an hour later, and one that
 * exists twice (fall back) by taking the first, without a word; a deadline is a promise to every member, so this
 * refuses both, naming the two instants it could mean, and accepts the same time written with the offset the
 * author means ({@code 2025-10-26T01:30+01:00}), which must be one the zone has at that local time.
 *
 * @param local   the local date-time as the zone shows it (for a gap written with an offset, the real local time)
 * @param offset  the offset the author chose where the local time occurs twice; null when it is unique
 * @param problem why the text is refused; null when it is one instant
 */
public record OneInstant(LocalDateTime local, ZoneOffset offset, String problem) {
    public static OneInstant read(String text, ZoneId zone) {
        LocalDateTime local;
        ZoneOffset written = null;
        try {
            local = LocalDateTime.parse(text);
        } catch (DateTimeParseException e) {
            try {
                OffsetDateTime odt = OffsetDateTime.parse(text);
                local = odt.toLocalDateTime();
                written = odt.getOffset();
            } catch (DateTimeParseException e2) {
                return refused("'" + text + "' is not a local date-time (YYYY-MM-DDTHH:MM), nor one with the offset meant"
                        + " (YYYY-MM-DDTHH:MM+HH:MM)");
            }
        }
        if (zone == null) return new OneInstant(local, null, null);
        ZoneRules rules = zone.getRules();
        List<ZoneOffset> valid = rules.getValidOffsets(local);
        if (written != null) {
            if (valid.contains(written)) return new OneInstant(local, valid.size() > 1 ? written : null, null);
            ZoneOffsetTransition gap = valid.isEmpty() ? rules.getTransition(local) : null;
            if (gap != null && (written.equals(gap.getOffsetBefore()) || written.equals(gap.getOffsetAfter()))) {
                Instant at = local.toInstant(written);
                return new OneInstant(at.atZone(zone).toLocalDateTime(), null, null);
            }
            return refused("the offset " + written + " is not one " + zone + " has at " + local + " (it has "
                    + (valid.isEmpty() ? gap.getOffsetBefore() + " or " + gap.getOffsetAfter() : String.join(" or ", valid.stream().map(ZoneOffset::toString).toList())) + ")");
        }
        if (valid.size() == 1) return new OneInstant(local, null, null);
        ZoneOffsetTransition t = rules.getTransition(local);
        return refused(ambiguity(local, zone, t, "the deadline with the offset you mean, e.g. " + local + t.getOffsetBefore()));
    }

    /**
     * Why a local time is not one instant (a gap or an overlap at transition {@code t}), with both instants it
     * could mean and what to do ({@code fix}).
     */
    public static String ambiguity(LocalDateTime local, ZoneId zone, ZoneOffsetTransition t, String fix) {
        Instant first = local.toInstant(t.getOffsetBefore());
        Instant second = local.toInstant(t.getOffsetAfter());
        String clocks = "the clocks go " + (t.isGap() ? "forward" : "back") + " from " + t.getDateTimeBefore().toLocalTime()
                + " to " + t.getDateTimeAfter().toLocalTime() + " that day";
        if (t.isGap()) {
            return local + " does not exist in " + zone + " (" + clocks + "): it could mean " + second + " (" + t.getOffsetAfter()
                    + ", the offset after the change) or " + first + " (" + t.getOffsetBefore() + ", the offset before it); write " + fix;
        }
        return local + " happens twice in " + zone + " (" + clocks + "): " + first + " (" + t.getOffsetBefore()
                + ", the first) and " + second + " (" + t.getOffsetAfter() + ", the second); write " + fix;
    }

    private static OneInstant refused(String problem) {
        return new OneInstant(null, null, problem);
    }
}
