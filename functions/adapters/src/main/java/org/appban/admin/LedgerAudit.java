package org.appban.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.appban.domain.LedgerEntry;
import org.appban.input.InvalidInputException;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.DigestStore;
import org.appban.ledger.DigestVerifier;
import org.appban.ledger.LedgerDigestJson;
import org.appban.ledger.LedgerJson;
import org.appban.ports.Ledger;
import org.appban.report.Reports;

/**
 * The ledger's audit operations: verify its hash chains (all, or one) and, where the stack anchors them, the chains
 * against their anchored digests ({@link DigestVerifier}); export what it holds about one member or one device, or
 * all of it with the digests, as JSON lines ({@link LedgerJson}: every hashed field, so the export verifies on its
 * own with {@code ./appban ledger verify --file}, and with {@code --digests} against the digests).
 */
public final class LedgerAudit {
    /** Where the stack's digests are, and the ledger name they must carry. */
    public record Anchoring(DigestStore store, String ledgerName) {
    }

    private final Ledger ledger;
    private final Reports reports;
    private final Anchoring anchoring;

    /** Without anchored digests: the chains are verified on their own (the rehearsal, tests). */
    public LedgerAudit(Ledger ledger, Reports reports) {
        this(ledger, reports, null);
    }

    public LedgerAudit(Ledger ledger, Reports reports, Anchoring anchoring) {
        this.ledger = ledger;
        this.reports = reports;
        this.anchoring = anchoring;
    }

    /**
     * @param firstBreak the first break in chain order (chains sorted by name), or null when intact
     * @param breaks     the first break of every broken chain
     * @param digests    the check against the anchored digests, or null where the stack has none
     */
    public record Verification(int chains, int entries, boolean intact, ChainVerifier.Break firstBreak,
                               List<ChainVerifier.Break> breaks, DigestCheck digests) {
    }

    /**
     * @param from       where the check started: {@code every digest from number 1} or {@code from the (latest) checkpoint ...}
     * @param digests    how many digests it read
     * @param newest     the newest digest's number (0: none)
     * @param unanchored entries written after the newest digest, which no digest covers yet
     * @param problems   each problem, naming the digest and the chain or entry
     */
    public record DigestCheck(String from, int digests, long newest, String newestAt, int unanchored, List<String> problems) {
    }

    /**
     * @param sha256 of the exported file, to quote when handing it on
     */
    public record Export(String subject, int entries, String location, String sha256) {
    }

    /** {@link #verify(String, String, Instant)} from the latest checkpoint. */
    public Verification verify(String chain, Instant at) {
        return verify(chain, null, at);
    }

    /**
     * Every chain, or only {@code chain} when given (unknown chain names are refused). With anchoring, also every
     * chain against the digests ({@code at} is when the check is made: a newest digest more than a day older is a
     * missing digest); a chain the digests anchored that the ledger no longer lists is a deleted chain.
     *
     * @param from which digests: null from the latest checkpoint (the newest full digest and those after it),
     *             {@code start} every digest ever written, or a full digest's number
     */
    public Verification verify(String chain, String from, Instant at) {
        Verification chains = verify(chain);
        if (anchoring == null) return chains;
        List<String> names = chain == null ? ledger.chains() : List.of(chain);
        Map<String, List<LedgerEntry>> all = new TreeMap<>(ledger.chainsNamed(names));
        DigestVerifier verifier = new DigestVerifier(LedgerDigestJson.JSON);
        DigestVerifier.Selection digests;
        if (from == null) {
            digests = verifier.latestCheckpoint(anchoring.store());
        } else if (from.equals("start")) {
            digests = DigestVerifier.everything(anchoring.store());
        } else {
            try {
                digests = verifier.fromCheckpoint(anchoring.store(), Long.parseLong(from));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("ledger.verify", "from", e.getMessage());
            }
        }
        DigestVerifier.Result r = verifier.verify(digests, anchoring.ledgerName(), all, chain == null, at);
        DigestCheck check = new DigestCheck(digests.note(), r.digests(), r.newest(), r.newestAt() == null ? null : r.newestAt().toString(), r.unanchored(),
                r.problems().stream().map(DigestVerifier.Problem::toString).toList());
        return new Verification(chains.chains(), chains.entries(), chains.intact() && r.intact(), chains.firstBreak(), chains.breaks(), check);
    }

    /** The chains on their own: each entry against its hash and its predecessor. */
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
        return new Verification(names.size(), entries, breaks.isEmpty(), breaks.isEmpty() ? null : breaks.get(0), List.copyOf(breaks), null);
    }

    /**
     * The whole ledger for an auditor, in one folder of the reports bucket: {@code ledger.jsonl} (every chain, in
     * order), {@code digests/} (every anchored digest, byte for byte) and {@code manifest.json} (the ledger's name,
     * when, counts, the SHA-256 of each file). {@code ./appban ledger verify --file ledger.jsonl --digests FOLDER}
     * checks it with nothing else; the digests can also be compared with the locked originals in the digest bucket.
     */
    public Export exportAll(Instant at) {
        if (anchoring == null) throw new IllegalStateException("this stack anchors no digests: export a member or a device");
        String folder = "ledger/all/" + StatusExport.STAMP.format(at) + "/";
        LedgerJson codec = new LedgerJson();
        StringBuilder lines = new StringBuilder();
        int entries = 0;
        List<String> names = ledger.chains();
        for (Map.Entry<String, List<LedgerEntry>> c : new TreeMap<>(ledger.chainsNamed(names)).entrySet()) {
            for (LedgerEntry e : c.getValue()) {
                lines.append(codec.toLine(e)).append('\n');
                entries++;
            }
        }
        byte[] content = lines.toString().getBytes(StandardCharsets.UTF_8);
        String location = reports.put(folder + "ledger.jsonl", "application/x-ndjson", content);
        com.fasterxml.jackson.databind.node.ObjectNode manifest = org.appban.json.Json.object();
        manifest.put("ledger", anchoring.ledgerName()).put("exportedAt", at.toString()).put("chains", names.size()).put("entries", entries)
                .put("ledgerSha256", sha256(content));
        com.fasterxml.jackson.databind.node.ObjectNode digests = manifest.putObject("digests");
        for (DigestStore.Stored d : anchoring.store().all()) {
            reports.put(folder + d.key(), "application/json", d.bytes());
            digests.put(d.key(), sha256(d.bytes()));
        }
        reports.put(folder + "manifest.json", "application/json", (org.appban.json.Json.pretty(manifest) + "\n").getBytes(StandardCharsets.UTF_8));
        return new Export("ledger " + anchoring.ledgerName(), entries, location, sha256(content));
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
