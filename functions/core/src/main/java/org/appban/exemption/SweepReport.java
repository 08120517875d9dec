package org.appban.exemption;

import java.time.Instant;
import java.util.List;

/**
 * What an exemption sweep asked for.
 *
 * @param active exemptions protecting something at {@code at}
 */
public record SweepReport(Instant at, int active, List<Item> notices) {
    /** @param result {@code requested} or {@code failed} (asked again on the next sweep) */
    public record Item(String exemption, String member, String kind, Instant occurredAt, String result, String detail) {
    }
}
