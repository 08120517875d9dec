package org.appban.bench;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB's on-demand request units by its published sizing rules (Developer Guide, "Item sizes and formats" and
 * "Read/write capacity mode"), computed from the items a request writes or a response returns, because the emulator's
 * ConsumedCapacity does not size items. A write unit covers 1 KB of an item written (rounded up per item), a read
 * unit 4 KB read strongly consistently (half a unit eventually consistently; a Query or Scan rounds the total it
 * read, not each item); transactions cost twice. Pure.
 */
public final class DynamoUnits {
    private static final int WRITE_UNIT_BYTES = 1024;
    private static final int READ_UNIT_BYTES = 4096;

    private DynamoUnits() {
    }

    /** An item's size: each attribute's name (UTF-8 bytes) plus its value's size. */
    public static long itemBytes(Map<String, AttributeValue> item) {
        if (item == null) return 0;
        long n = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) n += utf8(e.getKey()) + valueBytes(e.getValue());
        return n;
    }

    /**
     * A value's size: strings their UTF-8 bytes, binaries their bytes, numbers about one byte per two significant
     * digits plus one, booleans and null one byte, lists and maps three bytes plus their elements (and, for maps,
     * their keys) with one byte per element.
     */
    public static long valueBytes(AttributeValue v) {
        if (v == null) return 0;
        if (v.s() != null) return utf8(v.s());
        if (v.n() != null) return numberBytes(v.n());
        if (v.b() != null) return v.b().asByteArray().length;
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) return 1;
        if (v.hasSs()) return v.ss().stream().mapToLong(DynamoUnits::utf8).sum();
        if (v.hasNs()) return v.ns().stream().mapToLong(DynamoUnits::numberBytes).sum();
        if (v.hasBs()) return v.bs().stream().mapToLong(b -> b.asByteArray().length).sum();
        if (v.hasL()) return 3 + v.l().stream().mapToLong(x -> 1 + valueBytes(x)).sum();
        if (v.hasM()) return 3 + v.m().entrySet().stream().mapToLong(e -> 1 + utf8(e.getKey()) + valueBytes(e.getValue())).sum();
        return 1;
    }

    static long numberBytes(String n) {
        String digits = new BigDecimal(n).unscaledValue().abs().toString().replaceAll("^0+|0+$", "");
        return (digits.length() + 1) / 2 + 1;
    }

    private static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Write units for one item of {@code bytes} (at least one, even for a delete or a failed condition). */
    public static long writeUnits(long bytes) {
        return Math.max(1, (bytes + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
    }

    /** Read units for {@code bytes} read in one request (at least one unit's worth, even for nothing found). */
    public static double readUnits(long bytes, boolean consistent) {
        long units = Math.max(1, (bytes + READ_UNIT_BYTES - 1) / READ_UNIT_BYTES);
        return consistent ? units : units / 2.0;
    }
}
