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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.appban.wiring.AwsClients;
import org.appban.cli.support.CommandLines;
import org.appban.cli.support.UsageException;
import org.appban.domain.LedgerEntry;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.DigestStore;
import org.appban.ledger.DigestVerifier;
import org.appban.ledger.LedgerDigestJson;
import org.appban.ledger.FolderDigestStore;
import org.appban.ledger.S3DigestStore;
import org.appban.ledger.LedgerJson;
import org.appban.ports.Ledger;
import org.appban.store.dynamo.DynamoLedger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
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
@Command(name = "ledger", subcommands = LedgerCommand.Verify.class, synopsisSubcommandLabel = "verify",
        description = "The ledger's hash chains, and the digests that anchor them.")
final class LedgerCommand implements Callable<Integer> {
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

    /** {@code ledger ARGS...} on its own (tests): as {@code ./appban ledger ARGS...}, but what the check throws reaches the caller. */
    int run(List<String> argv) {
        return CommandLines.call("./appban ledger", this, argv, out, out);
    }

    @Override
    public Integer call() {
        throw new UsageException("ledger takes one subcommand: verify");
    }

    /** {@code ledger verify}: its options; the check is the ledger command's. */
    @Command(name = "verify", description = "Checks the ledger's hash chains (an exported file, or a DynamoDB table) and "
            + "reports the first break of each; with the anchored digests, checks the chains against them (a rewrite with "
            + "recomputed hashes, a deleted chain, a missing, malformed, foreign or out-of-order digest). Exit code 1 if "
            + "anything is broken.",
            footer = "An auditor needs only the exported folder: ./appban ledger verify --file ledger.jsonl --digests FOLDER")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        private LedgerCommand ledger;
        @Option(names = "--file", paramLabel = "FILE", description = "an exported ledger (ledger.jsonl)")
        private String file;
        @Option(names = "--table", paramLabel = "NAME", description = "the ledger's DynamoDB table (AWS_ENDPOINT_URL for an "
                + "emulator)")
        private String table;
        @Option(names = "--chain", paramLabel = "CHAIN", description = "only this chain (e.g. member#m-001); default: every chain")
        private String chain;
        @Option(names = "--digests", paramLabel = "FOLDER", description = "the anchored digests beside an export (with --file)")
        private String digests;
        @Option(names = "--digest-bucket", paramLabel = "NAME", description = "the bucket of a table's anchored digests (with --table)")
        private String digestBucket;
        @Option(names = "--ledger", paramLabel = "NAME", description = "the ledger's name in the digests (default: the table, "
                + "else the export's manifest.json, else the newest digest's)")
        private String ledgerName;
        @Option(names = "--full", description = "check against every digest from number 1 (default: from the latest full digest, "
                + "the checkpoint, on; the complete check also sees what only older digests recorded)")
        private boolean full;
        @Option(names = "--from", paramLabel = "N", description = "start from full digest number N (a checkpoint) instead of the latest")
        private Long from;
        @Option(names = "--at", paramLabel = "INSTANT", description = "the moment of the check: a digest must be less than a "
                + "day older (default: now for a table, else the manifest's exportedAt, else the newest entry's time)")
        private String at;

        @Override
        public Integer call() {
            return ledger.verify(this);
        }

        Optional<String> file() {
            return Optional.ofNullable(file);
        }

        Optional<String> table() {
            return Optional.ofNullable(table);
        }

        Optional<String> chain() {
            return Optional.ofNullable(chain);
        }

        Optional<String> digests() {
            return Optional.ofNullable(digests);
        }

        Optional<String> digestBucket() {
            return Optional.ofNullable(digestBucket);
        }

        Optional<String> ledger() {
            return Optional.ofNullable(ledgerName);
        }

        Optional<String> at() {
            return Optional.ofNullable(at);
        }

        boolean full() {
            return full;
        }

        Optional<Long> from() {
            return Optional.ofNullable(from);
        }
    }

    private int verify(Verify args) {
        Map<String, List<LedgerEntry>> chains;
        String source;
        if (args.file().isPresent()) {
            source = args.file().get();
            chains = fromFile(Path.of(source));
        } else if (args.table().isPresent()) {
            source = "table " + args.table().get();
            chains = fromTable(new DynamoLedger(dynamo.get(), args.table().get()));
        } else {
            throw new UsageException("ledger verify needs --file FILE or --table NAME");
        }
        DigestStore digests = null;
        if (args.digests().isPresent()) {
            if (args.file().isEmpty()) throw new UsageException("--digests FOLDER goes with --file (a table's digests: --digest-bucket NAME)");
            Path folder = Path.of(args.digests().get());
            if (!Files.isDirectory(folder)) throw new InvalidInputException("--digests", "", folder + " is not a folder");
            digests = new FolderDigestStore(folder);
        } else if (args.digestBucket().isPresent()) {
            if (args.table().isEmpty()) throw new UsageException("--digest-bucket NAME goes with --table (an export's digests: --digests FOLDER)");
            S3Client client = s3.get();
            digests = new S3DigestStore(() -> client, args.digestBucket().get());
        }
        boolean complete = args.chain().isEmpty();
        if (args.chain().isPresent()) {
            String wanted = args.chain().get();
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

    private boolean checkDigests(Verify args, DigestStore digests, Map<String, List<LedgerEntry>> chains, boolean complete) {
        JsonNode manifest = manifest(args);
        String ledger = args.ledger().orElse(args.table().orElse(manifest == null ? null : manifest.path("ledger").asText(null)));
        Instant at;
        if (args.at().isPresent()) {
            try {
                at = Instant.parse(args.at().get());
            } catch (java.time.format.DateTimeParseException e) {
                throw new InvalidInputException("--at", "", "not an ISO-8601 instant: " + args.at().get());
            }
        } else if (args.table().isPresent()) {
            at = Instant.now();
        } else if (manifest != null && manifest.hasNonNull("exportedAt")) {
            at = Instant.parse(manifest.path("exportedAt").asText());
        } else {
            at = chains.values().stream().flatMap(List::stream).map(e -> e.record().at()).max(Comparator.naturalOrder()).orElse(null);
        }
        DigestVerifier verifier = new DigestVerifier(LedgerDigestJson.JSON);
        DigestVerifier.Selection selection;
        if (args.full() && args.from().isPresent()) throw new UsageException("--full and --from N are each a start: give one");
        if (args.full()) {
            selection = DigestVerifier.everything(digests);
        } else if (args.from().isPresent()) {
            try {
                selection = verifier.fromCheckpoint(digests, args.from().get());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--from", "", e.getMessage());
            }
        } else {
            selection = verifier.latestCheckpoint(digests);
        }
        DigestVerifier.Result r = verifier.verify(selection, ledger, chains, complete, at);
        out.printf("digests of ledger %s, %s: %d read, the newest number %d (%s); %d entries written since, not anchored yet%n",
                r.ledger(), selection.note(), r.digests(), r.newest(), r.newestAt(), r.unanchored());
        if (r.intact()) {
            out.println("anchored: every head the digests recorded is in the ledger with the same hash, and the digests follow one another");
            return true;
        }
        for (DigestVerifier.Problem p : r.problems()) out.println("DIGEST " + p);
        return false;
    }

    /** The export's manifest.json, beside the file or in the digests' folder, if there is one. */
    private static JsonNode manifest(Verify args) {
        List<Path> candidates = new ArrayList<>();
        args.file().ifPresent(f -> {
            Path parent = Path.of(f).toAbsolutePath().getParent();
            if (parent != null) candidates.add(parent.resolve("manifest.json"));
        });
        args.digests().ifPresent(d -> candidates.add(Path.of(d).resolve("manifest.json")));
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
