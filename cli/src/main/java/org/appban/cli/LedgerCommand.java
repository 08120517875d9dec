package org.appban.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.appban.wiring.AwsClients;
import org.appban.domain.LedgerEntry;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.DigestStore;
import org.appban.ledger.DigestVerifier;
import org.appban.ledger.FolderDigestStore;
import org.appban.ledger.S3DigestStore;
import org.appban.ledger.LedgerJson;
import org.appban.ports.Ledger;
import org.appban.store.dynamo.DynamoLedger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code ./appban ledger verify}: checks every chain (or one) of an exported ledger file or of a DynamoDB table and,
 * given the anchored digests ({@code --digests FOLDER} beside an export, {@code --digest-bucket NAME} beside a table),
 * the chains against them ({@link DigestVerifier}): a rewrite with recomputed hashes, a deleted chain, a missing,
 * malformed, foreign or out-of-order digest are each named, and the exit code is 1.
 *
 * <p>An auditor needs only the exported folder: {@code ledger verify --file ledger.jsonl --digests FOLDER}. The
 * ledger's name comes from {@code --ledger}, else the export's {@code manifest.json}, else the newest digest; the
 * moment of the check (a digest must be less than a day older) from {@code --at}, else the manifest's
 * {@code exportedAt}, else the newest entry's time.
 */
final class LedgerCommand {
    private final PrintStream out;
    private final Supplier<DynamoDbClient> dynamo;
    private final Supplier<S3Client> s3;

    LedgerCommand(PrintStream out) {
        this(out, () -> AwsClients.fromEnvironment().dynamoDb(), () -> AwsClients.fromEnvironment().s3());
    }

    /** @param dynamo the DynamoDB client for {@code --table} (tests point it at the emulator) */
    LedgerCommand(PrintStream out, Supplier<DynamoDbClient> dynamo) {
        this(out, dynamo, () -> AwsClients.fromEnvironment().s3());
    }

    /** @param s3 the S3 client for {@code --digest-bucket} */
    LedgerCommand(PrintStream out, Supplier<DynamoDbClient> dynamo, Supplier<S3Client> s3) {
        this.out = out;
        this.dynamo = dynamo;
        this.s3 = s3;
    }

    int run(List<String> argv) {
        Args args = new Args(argv, Set.of("file", "table", "chain", "digests", "digest-bucket", "ledger", "at"), Set.of());
        if (args.positional().size() != 1 || !args.positional().get(0).equals("verify")) {
            throw new Args.UsageException("ledger takes one subcommand: verify");
        }
        Map<String, List<LedgerEntry>> chains;
        String source;
        if (args.get("file").isPresent()) {
            source = args.get("file").get();
            chains = fromFile(Path.of(source));
        } else if (args.get("table").isPresent()) {
            source = "table " + args.get("table").get();
            chains = fromTable(new DynamoLedger(dynamo.get(), args.get("table").get()));
        } else {
            throw new Args.UsageException("ledger verify needs --file FILE or --table NAME");
        }
        DigestStore digests = null;
        if (args.get("digests").isPresent()) {
            if (args.get("file").isEmpty()) throw new Args.UsageException("--digests FOLDER goes with --file (a table's digests: --digest-bucket NAME)");
            Path folder = Path.of(args.get("digests").get());
            if (!Files.isDirectory(folder)) throw new InvalidInputException("--digests", "", folder + " is not a folder");
            digests = new FolderDigestStore(folder);
        } else if (args.get("digest-bucket").isPresent()) {
            if (args.get("table").isEmpty()) throw new Args.UsageException("--digest-bucket NAME goes with --table (an export's digests: --digests FOLDER)");
            S3Client client = s3.get();
            digests = new S3DigestStore(() -> client, args.get("digest-bucket").get());
        }
        boolean complete = args.get("chain").isEmpty();
        if (args.get("chain").isPresent()) {
            String wanted = args.get("chain").get();
            chains.keySet().retainAll(Set.of(wanted));
            if (chains.isEmpty()) throw new InvalidInputException(source, "chain", "no chain named '" + wanted + "'");
        }
        ChainVerifier verifier = new ChainVerifier();
        int entries = 0;
        List<ChainVerifier.Break> breaks = new ArrayList<>();
        for (Map.Entry<String, List<LedgerEntry>> c : chains.entrySet()) {
            ChainVerifier.Result r = verifier.verify(c.getKey(), c.getValue());
            entries += r.entries();
            r.firstBreak().ifPresent(breaks::add);
        }
        out.printf("ledger %s: %d chains, %d entries%n", source, chains.size(), entries);
        if (breaks.isEmpty()) {
            out.println("intact: every entry matches its hash and links to the one before it");
        }
        for (ChainVerifier.Break b : breaks) {
            out.printf("BROKEN: chain %s, first break at entry %d: %s%n", b.chain(), b.seq(), b.reason());
        }
        if (digests == null) return breaks.isEmpty() ? 0 : 1;
        boolean anchored = checkDigests(args, digests, chains, complete);
        return breaks.isEmpty() && anchored ? 0 : 1;
    }

    private boolean checkDigests(Args args, DigestStore digests, Map<String, List<LedgerEntry>> chains, boolean complete) {
        JsonNode manifest = manifest(args);
        String ledger = args.get("ledger").orElse(args.get("table").orElse(manifest == null ? null : manifest.path("ledger").asText(null)));
        Instant at;
        if (args.get("at").isPresent()) {
            try {
                at = Instant.parse(args.get("at").get());
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidInputException("--at", "", "not an ISO-8601 instant: " + args.get("at").get());
            }
        } else if (args.get("table").isPresent()) {
            at = Instant.now();
        } else if (manifest != null && manifest.hasNonNull("exportedAt")) {
            at = Instant.parse(manifest.path("exportedAt").asText());
        } else {
            at = chains.values().stream().flatMap(List::stream).map(e -> e.record().at()).max(Comparator.naturalOrder()).orElse(null);
        }
        DigestVerifier.Result r = new DigestVerifier().verify(digests.all(), ledger, chains, complete, at);
        out.printf("digests of ledger %s: %d, the newest number %d (%s); %d entries written since, not anchored yet%n",
                r.ledger(), r.digests(), r.newest(), r.newestAt(), r.unanchored());
        if (r.intact()) {
            out.println("anchored: every head the digests recorded is in the ledger with the same hash, and the digests follow one another");
            return true;
        }
        for (DigestVerifier.Problem p : r.problems()) out.println("DIGEST " + p);
        return false;
    }

    /** The export's manifest.json, beside the file or in the digests' folder, if there is one. */
    private static JsonNode manifest(Args args) {
        List<Path> candidates = new ArrayList<>();
        args.get("file").ifPresent(f -> {
            Path parent = Path.of(f).toAbsolutePath().getParent();
            if (parent != null) candidates.add(parent.resolve("manifest.json"));
        });
        args.get("digests").ifPresent(d -> candidates.add(Path.of(d).resolve("manifest.json")));
        for (Path p : candidates) {
            if (!Files.isRegularFile(p)) continue;
            try {
                return Json.parse(p);
            } catch (IOException | RuntimeException e) {
                throw new InvalidInputException(p.toString(), "", "not JSON: " + e.getMessage());
            }
        }
        return null;
    }

    private static Map<String, List<LedgerEntry>> fromFile(Path file) {
        LedgerJson codec = new LedgerJson();
        Map<String, List<LedgerEntry>> chains = new LinkedHashMap<>();
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(file)) {
                lineNo++;
                if (line.isBlank()) continue;
                try {
                    JsonNode node = Json.parse(line);
                    LedgerEntry e = codec.fromJson(node);
                    chains.computeIfAbsent(e.chain(), c -> new ArrayList<>()).add(e);
                } catch (IOException | RuntimeException e) {
                    throw new InvalidInputException(file.toString(), "line " + lineNo, "not a ledger entry: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new InvalidInputException(file.toString(), "", "cannot read: " + e.getMessage());
        }
        chains.values().forEach(l -> l.sort(Comparator.comparingLong(LedgerEntry::seq)));
        return chains;
    }

    private static Map<String, List<LedgerEntry>> fromTable(Ledger ledger) {
        Map<String, List<LedgerEntry>> chains = new LinkedHashMap<>();
        for (String chain : ledger.chains()) chains.put(chain, ledger.chain(chain));
        return chains;
    }
}
