package org.appban.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.appban.aws.AwsClients;
import org.appban.domain.LedgerEntry;
import org.appban.input.InvalidInputException;
import org.appban.lambda.Json;
import org.appban.ledger.ChainVerifier;
import org.appban.ledger.LedgerJson;
import org.appban.ports.Ledger;
import org.appban.store.dynamo.DynamoLedger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** {@code ./appban ledger verify}: checks every chain (or one) of an exported ledger file or of a DynamoDB table. */
final class LedgerCommand {
    private final PrintStream out;
    private final Supplier<DynamoDbClient> dynamo;

    LedgerCommand(PrintStream out) {
        this(out, () -> AwsClients.fromEnvironment().dynamoDb());
    }

    /** @param dynamo the DynamoDB client for {@code --table} (tests point it at the emulator) */
    LedgerCommand(PrintStream out, Supplier<DynamoDbClient> dynamo) {
        this.out = out;
        this.dynamo = dynamo;
    }

    int run(List<String> argv) {
        Args args = new Args(argv, Set.of("file", "table", "chain"), Set.of());
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
            return 0;
        }
        for (ChainVerifier.Break b : breaks) {
            out.printf("BROKEN: chain %s, first break at entry %d: %s%n", b.chain(), b.seq(), b.reason());
        }
        return 1;
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
