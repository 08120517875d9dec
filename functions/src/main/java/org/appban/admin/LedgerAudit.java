package org.appban.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.appban.domain.LedgerEntry;
import org.appban.input.InvalidInputException;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.LedgerJson;
import org.appban.ports.Ledger;
import org.appban.report.Reports;

/**
 * The ledger's two audit operations: verify its hash chains (all, or one) and export what it holds about one
 * member or one device as JSON lines ({@link LedgerJson}: every hashed field, so the export verifies on its own
 * with {@code ./appban ledger verify --file}).
 */
public final class LedgerAudit {
    private final Ledger ledger;
    private final Reports reports;

    public LedgerAudit(Ledger ledger, Reports reports) {
        this.ledger = ledger;
        this.reports = reports;
    }

    /**
     * @param firstBreak the first break in chain order (chains sorted by name), or null when intact
     * @param breaks     the first break of every broken chain
     */
    public record Verification(int chains, int entries, boolean intact, ChainVerifier.Break firstBreak,
                               List<ChainVerifier.Break> breaks) {
    }

    /**
     * @param sha256 of the exported file, to quote when handing it on
     */
    public record Export(String subject, int entries, String location, String sha256) {
    }

    /** Every chain, or only {@code chain} when given (unknown chain names are refused). */
    public Verification verify(String chain) {
        List<String> names = ledger.chains();
        if (chain != null) {
            if (!names.contains(chain)) {
                throw new InvalidInputException("ledger.verify", "chain", "no chain named '" + chain + "' (chains are 'fleet' and 'member#<id>')");
            }
            names = List.of(chain);
        }
        ChainVerifier verifier = new ChainVerifier();
        int entries = 0;
        List<ChainVerifier.Break> breaks = new ArrayList<>();
        for (String name : names) {
            ChainVerifier.Result r = verifier.verify(name, ledger.chain(name));
            entries += r.entries();
            r.firstBreak().ifPresent(breaks::add);
        }
        return new Verification(names.size(), entries, breaks.isEmpty(), breaks.isEmpty() ? null : breaks.get(0), List.copyOf(breaks));
    }

    /** The member's chain, in order. */
    public Export exportMember(String memberId, Instant at) {
        return export("member", memberId, ledger.chain("member#" + memberId), at);
    }

    /** Every entry about the device, across chains, in the order they were decided. */
    public Export exportDevice(String deviceId, Instant at) {
        return export("device", deviceId, ledger.aboutDevice(deviceId), at);
    }

    private Export export(String kind, String id, List<LedgerEntry> entries, Instant at) {
        LedgerJson codec = new LedgerJson();
        StringBuilder lines = new StringBuilder();
        for (LedgerEntry e : entries) lines.append(codec.toLine(e)).append('\n');
        byte[] content = lines.toString().getBytes(StandardCharsets.UTF_8);
        String key = "ledger/" + kind + "/" + safe(id) + "/" + StatusExport.STAMP.format(at) + ".jsonl";
        String location = reports.put(key, "application/x-ndjson", content);
        return new Export(kind + " " + id, entries.size(), location, sha256(content));
    }

    /** Ids become one path segment of letters, digits and {@code -._}. */
    static String safe(String id) {
        String s = id.replaceAll("[^A-Za-z0-9._-]", "_");
        s = s.replaceAll("^[._-]+", "");
        if (s.isEmpty()) s = "x";
        return s.length() > 100 ? s.substring(0, 100) : s;
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
