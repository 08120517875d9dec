package org.appban.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.appban.access.SignedLinks;
import org.appban.access.WebhookSignature;
import org.appban.admin.AdminWorld;
import org.appban.deploy.SamTemplate.Function;
import org.appban.deploy.SamTemplate.Grant;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.MdmKind;
import org.appban.domain.Ownership;
import org.appban.domain.ExemptionStatus;
import org.appban.exemption.SignedExemptionLinks;
import org.appban.fleet.SimulatedFleet;
import org.appban.remote.Secret;
import org.appban.report.InMemoryReports;
import org.appban.safety.InMemoryKillSwitch;
import org.appban.signing.SignedTokens;
import org.appban.signing.Signer;
import org.appban.store.dynamo.DynamoDeviceStore;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoLedger;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.AwsEmulator;
import org.appban.testing.MotoServer;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TemplateResources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * template.yaml against the code, function by function, on the deployable jar:
 * <ul>
 *   <li>its Handler class exists and is a Lambda handler;</li>
 *   <li>its environment (Globals + its own) holds exactly the variables its code asks for;</li>
 *   <li>its policy grants exactly the AWS calls its code makes: every call is covered, and every grant is used,
 *       or listed in {@link #NOT_REACHED} with the reason the samples cannot reach it;</li>
 *   <li>every sample under events/&lt;function&gt;/ is fed to it, and every trigger the template gives it has a
 *       sample (the events catalogue).</li>
 * </ul>
 *
 * <h2>How</h2>
 * The LocalStack init hook ({@value TemplateResources#HOOK}) creates the template's resources in the AWS emulator
 * under a stage of this run's own and records each function's environment. Then each function runs in a JVM of its
 * own, the way a fresh Lambda container does: {@code java -cp appban-functions-lambda.jar:functions/local/target/classes
 * org.appban.coldstart.FirstInvocation --prime HANDLER EVENTS...}, with the recorded environment and the emulator's
 * endpoint. The production wiring builds the handler (no-arg constructor), SnapStart priming runs, then every sample
 * of the function is invoked in turn. {@link org.appban.wiring.Settings} reports the variables asked for;
 * {@link CallRecorder}, installed as a global SDK interceptor in that JVM, reports the AWS calls as IAM actions.
 * The functions run in the campaign's order (roster, inventory from the MDM simulators, the admin examples' world,
 * notices, administration, exemption links and sweep, network access, attestation, enforcement), so that each finds
 * the data its deeper paths need. Samples whose signatures or tokens expired, or that name production buckets, are
 * also fed as fresh copies (a token signed with this stack's key, the stack's bucket).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateContractIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Set by the Lambda runtime (or, locally, by whoever points the function at an emulator), never by the template. */
    private static final Set<String> RUNTIME_VARIABLES = Set.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL",
            "AWS_LAMBDA_FUNCTION_NAME");
    /** An exemption approver of the bundled policy, as IAM Identity Center signs them in. */
    private static final String APPROVER = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_5f1c2e3d4a6b7c8d/ict-security-manager@parliament.govt.nz";
    /** The order of the campaign; functions not named here run last, in template order. */
    private static final List<String> ORDER = List.of("RosterImportFunction", "InventorySyncFunction", "NotifyMembersFunction",
            "LedgerDigestFunction", "AdminFunction", "ExemptionLinkFunction", "ExemptionSweepFunction", "NetworkAccessFunction", "MdmWebhookFunction",
            "AttestationFunction", "EnforceRemovalFunction");

    /**
     * The functions whose samples are an administrator's manual runs: a manual fleet run or whole-table sweep may
     * read a table whole (README, "Reads at a million devices"). Every other function's samples are its daily,
     * hourly or per-event paths, where a Scan of a table grows with the table, not the work.
     */
    static final Set<String> MANUAL_PATHS = Set.of("AdminFunction");

    /**
     * The Scans a daily path still makes, by function and table, with why. A round's parts are parallel-Scan
     * segments read a page at a time from a cursor across invocations: every item of the table is that round's
     * work (every member considered for a notice, every device judged), so the read follows the work. Anything else
     * is a Scan to remove; an entry no sample reaches any more fails, so the list only shrinks.
     */
    static final Map<String, List<ListedScan>> DAILY_SCANS = Map.of(
            "NotifyMembersFunction", List.of(
                    new ListedScan("MembersTable", "(fresh-)?sqs-continuation\\.json", "ROUND",
                            "the daily round's parts: parallel-Scan segments of the roster, a page a step from a cursor"),
                    new ListedScan("MembersTable", "preview-all\\.json", "MANUAL", "an administrator's preview of every member's notices")),
            "NetworkAccessFunction", List.of(
                    new ListedScan("DevicesTable", "(fresh-)?sqs-continuation\\.json", "ROUND",
                            "the daily round's parts: parallel-Scan segments of the devices, a page a step from a cursor"),
                    new ListedScan("DevicesTable|ExemptionsTable", "manual-reconcile-dry-run\\.json", "MANUAL",
                            "an administrator's fleet run (access.run naming no devices or members)")),
            "InventorySyncFunction", List.of(
                    new ListedScan("DevicesTable", "manual\\.json", "MANUAL",
                            "an administrator's whole sync in one invocation (a dry run compares the stored fleet whole with the "
                            + "listings); the hourly round reads devices by key and finds the vanished by the bySync index"),
                    new ListedScan("MembersTable", "manual\\.json", "MANUAL",
                            "an administrator's whole sync names every device's owner from the roster read once; the hourly round "
                            + "asks the address index only about devices that are new, name other addresses or are due their stamp")),
            "EnforceRemovalFunction", List.of(
                    new ListedScan("DevicesTable", "(fresh-)?sqs-round-(1-survey|2-act)\\.json", "ROUND",
                            "the deciding round's parts: parallel-Scan segments of the devices, a page a step from a cursor"),
                    new ListedScan("DevicesTable|ExemptionsTable", "(enforce-members|run-authorised)\\.json", "MANUAL",
                            "an administrator's run (enforce.run, or a dry run) still reads the fleet and the exemptions whole, even "
                            + "for a few members; the schedules hand on the round, which does not")),
            "RosterImportFunction", List.of(
                    new ListedScan("MembersTable", ".*", "WORK",
                            "an import compares the roster whole with its file (every member is added, changed, kept or leaving) and puts "
                            + "members stored before the address index into it; on an upload or by hand, never on a schedule")),
            "LedgerDigestFunction", List.of(
                    new ListedScan("LedgerTable/index/chainHeads", ".*", "WORK",
                            "each digest names every chain's head, so it reads the sparse index of chains (one item a chain, never the "
                            + "entries): it grows with the members, not with history")));

    /**
     * A Scan a function's samples may make: of {@code tables} (a pattern of logical ids) on samples named like
     * {@code samples}. {@code kind}: ROUND (a round's parts, across invocations), MANUAL (an administrator's), WORK
     * (the whole table is that run's work), NOT BOUNDED (a Scan still to remove, with the issue that removes it).
     */
    record ListedScan(String tables, String samples, String kind, String why) {
        boolean covers(String table, String sample) {
            return table.matches(tables) && sample.matches(samples);
        }
    }

    /**
     * Grants the samples cannot exercise on the emulator, with the reason they are still needed. Every entry must
     * still be granted by the template (a stale entry fails), and must not have been exercised after all.
     */
    static final Map<String, Map<Grant, String>> NOT_REACHED = Map.of(
            "InventorySyncFunction", inventorySync(),
            "EnforceRemovalFunction", plus(jamfSlot(), Map.of(
                    new Grant("sns:Publish", "AdminAlertsTopic"),
                    "a deciding round tells the administrators only when the blast-radius cap holds it, and the samples' round "
                            + "carries the stack's DeadlineConfirm, which covers the sample fleet",
                    new Grant("dynamodb:DeleteItem", "ClaimsTable"),
                    "a claim is given back only when a round's step fails (an MDM down) or a manual run reconciles the MDMs "
                            + "(its fleet lock), and the samples' manual run stops at the blast-radius cap")),
            "RosterImportFunction", Map.of(
                    new Grant("sqs:SendMessage", "RosterImportWork"),
                    "an import hands the rest on only when the invocation's time runs short, which the samples' small rosters never do (RosterScaleIT does)",
                    new Grant("dynamodb:UpdateItem", "MembersTable"),
                    "only a member stored before the byAddress index existed is updated to join it, and the samples' stack has none (DynamoMemberStoreIT)"),
            "ExemptionSweepFunction", Map.of(
                    new Grant("dynamodb:GetItem", "ClaimsTable"),
                    "a step's claim is read only when another invocation holds it (SQS delivering a message twice at once)",
                    new Grant("dynamodb:DeleteItem", "ClaimsTable"),
                    "a step's claim is given back only when the step fails (DynamoDB or EventBridge unreachable)"),
            "NotifyMembersFunction", Map.of(
                    new Grant("dynamodb:DeleteItem", "ClaimsTable"),
                    "a notice's claim is released only when SES refuses the message outright (NoticeSender), which the emulator never does"),
            "NetworkAccessFunction", Map.of(
                    new Grant("dynamodb:DeleteItem", "ClaimsTable"),
                    "a NAC command's claim is released only when the NAC refuses the command"),
            "MdmWebhookFunction", Map.of(
                    new Grant("dynamodb:DeleteItem", "ClaimsTable"),
                    "an event's (or a NAC command's) claim is released only when acting on it fails, so that its retry is processed",
                    new Grant("sns:Publish", "AdminAlertsTopic"),
                    "a device run alerts the administrators only when the NAC keeps failing or the cap holds a quarantine back, "
                            + "which one sample device never meets"));

    /** The grants of both maps (a function with more than one reason a grant is not reached). */
    private static Map<Grant, String> plus(Map<Grant, String> a, Map<Grant, String> b) {
        Map<Grant, String> m = new java.util.HashMap<>(a);
        m.putAll(b);
        return Map.copyOf(m);
    }

    /**
     * A Jamf Pro connection slot (read, then a conditional put; DynamoRateLimits) is taken only when the stack's MDM
     * is Jamf Pro: the samples' MDM secret is Intune's. (The MDM webhook function's Jamf events take one here.)
     */
    private static Map<Grant, String> jamfSlot() {
        String why = "a Jamf Pro connection slot is taken only when the stack's MDM is Jamf Pro; the samples' MDM secret is Intune's";
        return Map.of(new Grant("dynamodb:GetItem", "RateBudgetsTable"), why, new Grant("dynamodb:PutItem", "RateBudgetsTable"), why);
    }

    /** The Jamf slot, and the round's claims read or given back only when a step is held elsewhere or fails. */
    private static Map<Grant, String> inventorySync() {
        return plus(jamfSlot(), Map.of(
                new Grant("dynamodb:GetItem", "ClaimsTable"), "a step's claim is read only when another invocation holds it (SQS delivering a message twice at once)",
                new Grant("dynamodb:DeleteItem", "ClaimsTable"), "a step's claim is given back only when the step fails (an MDM or DynamoDB unreachable)"));
    }

    /** The function's JVM's class-loading log, beside its result. */
    private static final String CLASSES_LOADED = "classes-loaded.log";
    private static final List<String> MAPPER_CLASSES = List.of("com.fasterxml.jackson.databind.ObjectMapper",
            "com.fasterxml.jackson.dataformat.csv.CsvMapper");

    private final SamTemplate template = SamTemplate.load();
    private final Path root = ProjectLayout.root();
    private AwsEmulator aws;
    private SimulatedFleet fleet;
    private TemplateResources stack;
    private Path work;
    private Path jar;
    /** The stack's MDM secret as the init hook made it (the Intune simulator's). */
    private String intuneSecret;

    @BeforeAll
    void createTheStack() throws Exception {
        jar = root.resolve("functions/target/appban-functions-lambda.jar");
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the contract runs on the deployable jar (./mvnw verify packages it first)");
        aws = AwsEmulator.shared();
        fleet = SimulatedFleet.sample();
        String stage = "ct" + Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits()), 36).substring(0, 6);
        MotoServer.Python python = MotoServer.python(ProjectLayout.emulatorHome());
        stack = TemplateResources.create(root, python, aws.endpoint(), aws.region().id(), stage,
                new TemplateResources.SimulatorPorts("127.0.0.1", fleet.sims.intune().baseUri().getPort(),
                        fleet.sims.jamf().baseUri().getPort(), fleet.sims.ise().baseUri().getPort()),
                // Deployed with the deadline confirmation events/enforce-removal/deadline-confirmed.json carries: the
                // only confirm enforce-removal honours on a schedule's event.
                Map.of("APPBAN_PARAM_DeadlineConfirm", "40"));
        intuneSecret = aws.clients().secretsManager().getSecretValue(r -> r.secretId(stack.ref("MdmCredentialsSecret"))).secretString();
        work = Files.createTempDirectory("appban-contract-");
        Files.createDirectories(work.resolve("interceptors/software/amazon/awssdk/global/handlers"));
        Files.writeString(work.resolve("interceptors/software/amazon/awssdk/global/handlers/execution.interceptors"),
                CallRecorder.class.getName() + "\n");
    }

    @AfterAll
    void stopSimulators() {
        if (fleet != null) fleet.close();
    }

    @TestFactory
    Stream<DynamicContainer> each_function_matches_its_template_entry() {
        List<Function> functions = new ArrayList<>(template.functions());
        functions.sort((a, b) -> Integer.compare(rank(a.logicalId()), rank(b.logicalId())));
        return functions.stream().map(f -> DynamicContainer.dynamicContainer(f.logicalId(), checks(f)));
    }

    @TestFactory
    Stream<DynamicTest> the_events_catalogue_covers_every_function_and_trigger() {
        Path events = root.resolve("events");
        Set<String> dirs = new TreeSet<>();
        try (Stream<Path> list = Files.list(events)) {
            list.filter(Files::isDirectory).forEach(d -> dirs.add(d.getFileName().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> functionDirs = new TreeSet<>();
        template.functions().forEach(f -> functionDirs.add(eventsDir(f.logicalId())));
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("every folder under events/ belongs to a function", () -> {
            Set<String> orphans = new TreeSet<>(dirs);
            orphans.removeAll(functionDirs);
            assertEquals(Set.of(), orphans, "events/ folders without a function in template.yaml");
        }));
        for (Function f : template.functions()) {
            tests.add(DynamicTest.dynamicTest(f.logicalId() + ": a sample for every trigger", () -> {
                List<JsonNode> samples = new ArrayList<>();
                for (Path p : samples(f)) samples.add(readJson(p));
                assertTrue(!samples.isEmpty(), "events/" + eventsDir(f.logicalId()) + "/ has no samples");
                for (Trigger t : triggers(f)) {
                    assertTrue(samples.stream().anyMatch(t::matches), f.logicalId() + ": no sample under events/"
                            + eventsDir(f.logicalId()) + "/ for its trigger " + t.name());
                }
            }));
        }
        return tests.stream();
    }

    // ---------------------------------------------------------------------------------------------------------------

    private Stream<DynamicTest> checks(Function f) {
        Run[] run = new Run[1];
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("its handler class exists and is a Lambda handler", () -> {
            Class<?> handler = Class.forName(f.handlerClass());
            assertTrue(RequestStreamHandler.class.isAssignableFrom(handler) || RequestHandler.class.isAssignableFrom(handler),
                    f.handlerClass() + " implements neither RequestStreamHandler nor RequestHandler");
            handler.getConstructor();
        }));
        tests.add(DynamicTest.dynamicTest("it starts on the deployable jar, is primed, and handles every sample", () -> {
            run[0] = run(f);
            assertNull(run[0].result.get("constructError"), () -> "building the handler failed:\n" + run[0].result.path("constructError").asText());
            assertNull(run[0].result.get("primeError"), () -> "SnapStart priming failed:\n" + run[0].result.path("primeError").asText());
            assertTrue(run[0].result.path("primed").size() > 0, "no SnapStart priming registered by the no-arg constructor");
            List<String> failures = new ArrayList<>();
            for (JsonNode inv : run[0].result.path("invocations")) {
                if (inv.has("error") && !expectedFailure(f, inv) && !run[0].superseded.contains(inv.path("event").asText())) {
                    failures.add(inv.path("event").asText() + ":\n" + inv.path("error").asText());
                }
            }
            assertEquals(List.of(), failures, "invocations that threw");
            assertEquals(run[0].events.size(), run[0].result.path("invocations").size(), "every event invoked");
        }));
        tests.add(DynamicTest.dynamicTest("no sample's path builds a Jackson ObjectMapper (a cold start's 100+ ms, see Json)", () -> {
            requireRun(run[0]);
            List<String> mappers;
            try (var lines = Files.lines(work.resolve(f.logicalId()).resolve(CLASSES_LOADED))) {
                mappers = lines.filter(l -> MAPPER_CLASSES.stream().anyMatch(c -> l.contains(" " + c + " "))).toList();
            }
            assertEquals(List.of(), mappers, "classes loaded by the function's JVM; JsonNode.toString() builds one: write nodes with Json.write");
        }));
        tests.add(DynamicTest.dynamicTest("its environment is exactly what its code reads", () -> {
            requireRun(run[0]);
            Set<String> asked = new TreeSet<>();
            run[0].result.path("settingsAsked").forEach(n -> asked.add(n.asText()));
            asked.removeAll(RUNTIME_VARIABLES);
            asked.removeAll(org.appban.wiring.FunctionCredentials.VARIABLES);
            assertEquals(f.environment(), asked, "template.yaml environment (Globals + own) vs the variables the code asked for");
        }));
        tests.add(DynamicTest.dynamicTest("its policy grants exactly the calls it makes", () -> {
            requireRun(run[0]);
            Set<Grant> made = new TreeSet<>();
            for (String line : run[0].calls) {
                String[] parts = line.split("\t", 3);
                Grant call = new Grant(parts[0], logical(parts[0], parts[1]));
                // A sample fed beside its fresh copy may name resources of another stack (a production bucket).
                if (parts.length > 2 && run[0].superseded.contains(parts[2]) && call.resource().startsWith("unknown:")) continue;
                made.add(call);
            }
            Set<Grant> granted = new TreeSet<>(f.grants());
            Set<Grant> platform = platformGrants(f);
            Map<Grant, String> notReached = NOT_REACHED.getOrDefault(f.logicalId(), Map.of());
            Set<Grant> missing = new TreeSet<>(made);
            missing.removeAll(granted);
            Set<Grant> unused = new TreeSet<>(granted);
            unused.removeAll(made);
            unused.removeAll(platform);
            unused.removeAll(notReached.keySet());
            Set<Grant> stale = new TreeSet<>(notReached.keySet());
            stale.removeIf(g -> granted.contains(g) && !made.contains(g));
            assertEquals(Set.of(), missing, f.logicalId() + " makes calls its policy does not grant");
            assertEquals(Set.of(), unused, f.logicalId() + " is granted more than it calls (or list the grant in NOT_REACHED with why)");
            assertEquals(Set.of(), stale, f.logicalId() + ": NOT_REACHED entries that are no longer granted, or were reached after all");
        }));
        if (!MANUAL_PATHS.contains(f.logicalId())) {
            tests.add(DynamicTest.dynamicTest("no sample's path Scans a table, except those listed in DAILY_SCANS with why", () -> {
                requireRun(run[0]);
                List<ListedScan> listed = DAILY_SCANS.getOrDefault(f.logicalId(), List.of());
                Set<String> unexplained = new TreeSet<>();
                Set<ListedScan> reached = new java.util.HashSet<>();
                for (String line : run[0].calls) {
                    String[] parts = line.split("\t", 3);
                    if (!parts[0].equals("dynamodb:Scan") || (parts.length > 2 && run[0].superseded.contains(parts[2]))) continue;
                    String table = logical(parts[0], parts[1]);
                    String sample = parts.length > 2 ? Path.of(parts[2]).getFileName().toString() : "?";
                    List<ListedScan> matching = listed.stream().filter(l -> l.covers(table, sample)).toList();
                    if (matching.isEmpty()) unexplained.add(table + " <- " + sample);
                    reached.addAll(matching);
                }
                List<ListedScan> stale = listed.stream().filter(l -> !reached.contains(l)).toList();
                assertEquals(Set.of(), unexplained, f.logicalId() + " Scans on a daily, hourly or per-event path (table <- sample)");
                assertEquals(List.of(), stale, f.logicalId() + ": DAILY_SCANS entries that no sample Scans any more");
            }));
        }
        if (f.logicalId().equals("NotifyMembersFunction")) {
            tests.add(DynamicTest.dynamicTest("its notices carry this stack's signed attestation and exemption links", () -> {
                requireRun(run[0]);
                List<String> notices = run[0].messages().stream().map(TemplateContractIT::decodedBodies).toList();
                assertTrue(!notices.isEmpty(), "the notify samples sent no notice");
                String attestation = stack.environment(f.logicalId()).get("ATTESTATION_URL");
                String exemption = stack.environment(f.logicalId()).get("EXEMPTION_LINK_URL");
                assertTrue(notices.stream().anyMatch(n -> n.contains(attestation + "?t=") && n.contains(exemption + "?token=")),
                        () -> "no notice carries both " + attestation + "?t=... and " + exemption + "?token=...; the first:\n" + notices.get(0));
                Pattern functionUrl = Pattern.compile("https://[a-z0-9-]+\\.lambda-url\\.[a-z0-9-]+\\.on\\.aws/");
                for (String notice : notices) {
                    Matcher m = functionUrl.matcher(notice);
                    while (m.find()) {
                        assertTrue(Set.of(attestation, exemption).contains(m.group()), "a notice links to another function: " + m.group());
                    }
                }
            }));
        }
        return tests.stream();
    }

    /** A raw message with its quoted-printable bodies decoded (soft line breaks joined, =XX bytes restored). */
    static String decodedBodies(String raw) {
        String joined = raw.replace("=\r\n", "");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '=' && i + 2 < joined.length() && HexFormat.isHexDigit(joined.charAt(i + 1)) && HexFormat.isHexDigit(joined.charAt(i + 2))) {
                out.write(HexFormat.fromHexDigits(joined, i + 1, i + 3));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void requireRun(Run run) {
        if (run == null) fail("the function did not run (see the test before)");
    }

    /**
     * Grants in a function's policy that serve AWS on the function's behalf rather than its code's own calls: the
     * event source mapping polls its queue (or reads its table's stream) with the function's role; SNS uses the topic's key for a publisher.
     */
    private Set<Grant> platformGrants(Function f) {
        Set<Grant> platform = new TreeSet<>();
        // Publishing to a topic under a customer managed key: SNS encrypts with the key on the publisher's behalf.
        for (Grant g : f.grants()) {
            if (!g.action().equals("sns:Publish")) continue;
            JsonNode key = template.resources().path(g.resource()).path("Properties").path("KmsMasterKeyId");
            if (key.has("Ref") && template.resources().has(key.path("Ref").asText())) {
                platform.add(new Grant("kms:GenerateDataKey", key.path("Ref").asText()));
                platform.add(new Grant("kms:Decrypt", key.path("Ref").asText()));
            }
        }
        template.resources().properties().forEach(e -> {
            JsonNode r = e.getValue();
            if (!"AWS::Lambda::EventSourceMapping".equals(r.path("Type").asText())) return;
            if (!f.logicalId().equals(target(r.path("Properties").path("FunctionName")))) return;
            String source = template.canonical(r.path("Properties").path("EventSourceArn"));
            if (source.endsWith(".StreamArn")) {
                // A DynamoDB stream: Lambda reads its shards, and lists the table's streams.
                for (String action : List.of("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")) {
                    platform.add(new Grant(action, source));
                }
                platform.add(new Grant("dynamodb:ListStreams", source.substring(0, source.length() - ".StreamArn".length()) + "/stream/*"));
                return;
            }
            for (String action : List.of("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes")) {
                platform.add(new Grant(action, source));
            }
        });
        return platform;
    }

    private boolean expectedFailure(Function f, JsonNode invocation) {
        String error = invocation.path("error").asText();
        // notify-members throws on purpose when a triggered run must be retried (NotifyMembersHandler.IncompleteRun);
        // a scheduled enforce-removal run that the blast-radius cap stopped ends in an error, so that the Errors alarm
        // calls an administrator to confirm.
        return error.contains("NotifyMembersHandler$IncompleteRun")
                || error.contains("at org.appban.lambda.enforce.EnforceRemovalHandler") && error.contains("needs-confirmation");
    }

    // --- running a function ------------------------------------------------------------------------------------------

    /** @param superseded samples fed beside a fresh copy (their own calls and failures concern another stack) */
    private record Run(JsonNode result, List<String> calls, List<Path> events, Set<String> superseded, Path mail) {
        /** The raw messages the function gave SES, in order. */
        List<String> messages() throws IOException {
            if (!Files.isDirectory(mail)) return List.of();
            try (Stream<Path> files = Files.list(mail)) {
                List<String> out = new ArrayList<>();
                for (Path p : files.sorted().toList()) out.add(Files.readString(p, StandardCharsets.UTF_8));
                return out;
            }
        }
    }

    private Run run(Function f) throws Exception {
        prepare(f);
        Path dir = Files.createDirectories(work.resolve(f.logicalId()));
        List<Path> events = new ArrayList<>();
        Set<String> superseded = new TreeSet<>();
        for (Path sample : samples(f)) {
            events.add(sample);
            List<Path> fresh = freshCopies(f, sample, dir);
            if (!fresh.isEmpty()) superseded.add(sample.toString());
            events.addAll(fresh);
        }
        Path out = dir.resolve("result.json");
        Path calls = dir.resolve("calls.tsv");
        Path log = dir.resolve("function.log");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The deployable jar first; FirstInvocation, the runner, is local code the jar no longer carries.
        String classpath = String.join(java.io.File.pathSeparator, jar.toString(), root.resolve("functions/local/target/classes").toString(),
                root.resolve("functions/local/target/test-classes").toString(), work.resolve("interceptors").toString());
        List<String> command = new ArrayList<>(List.of(javaBin, "-Xlog:class+load=info:file=" + dir.resolve(CLASSES_LOADED),
                "-D" + CallRecorder.OUTPUT + "=" + calls,
                "-D" + CallRecorder.MAIL + "=" + dir.resolve("mail"), "-cp", classpath,
                "org.appban.coldstart.FirstInvocation", "--prime", "--out", out.toString(), f.handlerClass()));
        events.forEach(e -> command.add(e.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(stack.environment(f.logicalId()));
        builder.environment().put("AWS_ENDPOINT_URL", aws.endpoint().toString());
        builder.environment().put("AWS_REGION", aws.region().id());
        builder.environment().put("AWS_ACCESS_KEY_ID", aws.credentials().resolveCredentials().accessKeyId());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", aws.credentials().resolveCredentials().secretAccessKey());
        builder.environment().put("AWS_LAMBDA_FUNCTION_NAME", "appban-" + stack.stage() + "-" + f.logicalId());
        Process p = builder.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(f.logicalId() + " did not finish within 10 minutes; log: " + log);
        }
        if (!Files.exists(out)) fail(f.logicalId() + " wrote no result (exit " + p.exitValue() + "):\n" + tail(log));
        List<String> recorded = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
        afterRun(f);
        return new Run(JSON.readTree(out.toFile()), recorded, events, superseded, dir.resolve("mail"));
    }

    /** What a function's samples need in place before it runs. */
    private void prepare(Function f) throws IOException {
        switch (f.logicalId()) {
            case "RosterImportFunction" -> {
                aws.clients().s3().putObject(r -> r.bucket(stack.ref("RosterBucket")).key("rosters/parliament 2023-03-16.csv"),
                        RequestBody.fromFile(root.resolve("events/roster-import/rosters/parliament 2023-03-16.csv")));
                // This stack's bucket: the admin sample names production's.
                ObjectNode request = (ObjectNode) readJson(readJson(root.resolve("events/admin/roster-run.json")).path("body").asText()).path("request");
                request.put("bucket", stack.ref("RosterBucket"));
                authorise("roster-import", "run-contract-roster", request);
            }
            case "NotifyMembersFunction" -> {
                authorise("notify-members", "run-contract-resend", "events/admin/notify-run-resend.json");
                authorise("notify-members", "run-contract-unblock", "events/admin/notify-run-unblock.json");
                // The world of the admin and notice samples (devices, exemptions, notices sent), beside the imported roster.
                var dynamo = aws.dynamoDb();
                new AdminWorld(new DynamoMemberStore(dynamo, stack.ref("MembersTable")), new DynamoDeviceStore(dynamo, stack.ref("DevicesTable")),
                        new DynamoExemptionStore(dynamo, stack.ref("ExemptionsTable")), new DynamoLedger(dynamo, stack.ref("LedgerTable")),
                        new InMemoryKillSwitch(), new InMemoryReports()).seed();
            }
            case "ExemptionSweepFunction" -> {
                // An exemption that expired since the last sweep: the sweep asks for its notice and records that it did.
                Instant decided = Instant.now().minus(40, ChronoUnit.DAYS);
                new DynamoExemptionStore(aws.dynamoDb(), stack.ref("ExemptionsTable")).create(new Exemption("ex-contract-expired", "m-003", "d-301",
                        "Chairs the inquiry's hearings", ExemptionStatus.GRANTED, APPROVER, decided, APPROVER, decided,
                        Instant.now().minus(1, ChronoUnit.DAYS), null, null));
            }
            case "NetworkAccessFunction" -> {
                authorise("network-access", "run-contract-access", "events/network-access/manual-quarantine-devices.json");
                String bucket = stack.ref("TelemetryBucket");
                aws.clients().s3().putObject(r -> r.bucket(bucket).key("dns/2023/04/08/resolver-1 20-55.jsonl"),
                        RequestBody.fromFile(root.resolve("events/network-access/logs/dns-sample.jsonl")));
            }
            case "MdmWebhookFunction" -> {
                // This stack's MDM is the Intune simulator; for the webhook's run it is Jamf Pro's (the Jamf simulator),
                // the MDM that sends webhooks. afterRun puts Intune back for enforcement.
                aws.clients().secretsManager().putSecretValue(r -> r.secretId(stack.ref("MdmCredentialsSecret")).secretString(
                        "{\"kind\":\"jamf\",\"url\":\"" + fleet.sims.jamf().baseUri().toString().replaceAll("/$", "")
                                + "\",\"clientId\":\"" + org.appban.sim.Simulators.JAMF_CLIENT_ID + "\",\"clientSecret\":\""
                                + org.appban.sim.Simulators.JAMF_CLIENT_SECRET + "\"}"));
            }
            case "EnforceRemovalFunction" -> authorise("enforce-removal", "run-contract-enforce", "events/enforce-removal/enforce-devices.json");
            default -> {
            }
        }
    }

    /**
     * The run authorisation the admin function would have written for a manual sample (run-authorised.json names it),
     * so that the authorised path runs as far as the direct one used to.
     */
    private void authorise(String function, String id, String sample) throws IOException {
        JsonNode request = readJson(root.resolve(sample));
        // An admin function URL sample (notify.run): the function's own request is the body's "request".
        if (request.path("requestContext").path("http").isObject()) request = readJson(request.path("body").asText()).path("request");
        authorise(function, id, request);
    }

    private void authorise(String function, String id, JsonNode request) {
        org.appban.identity.RunAuthorisation.authorise(new DynamoLedger(aws.dynamoDb(), stack.ref("LedgerTable")), Instant.now(), id, function,
                request, org.appban.exemption.ExemptionFixtures.proven(APPROVER));
    }

    /** Puts back what a function's samples changed that the next function depends on. */
    private void afterRun(Function f) {
        if (f.logicalId().equals("MdmWebhookFunction")) {
            aws.clients().secretsManager().putSecretValue(r -> r.secretId(stack.ref("MdmCredentialsSecret")).secretString(intuneSecret));
        }
        if (stack.resources().containsKey("KillSwitchParameter")) {
            // The admin samples engage and release the kill switch; later functions must find it released.
            aws.clients().ssm().putParameter(r -> r.name(stack.ref("KillSwitchParameter")).value("{\"engaged\": false}").overwrite(true));
        }
    }

    /**
     * Copies of a sample that the emulated stack can act on: a fresh signature or token signed with this stack's
     * keys, this stack's bucket names. The sample itself is fed too, as it is.
     */
    private List<Path> freshCopies(Function f, Path sample, Path dir) throws IOException {
        String name = sample.getFileName().toString();
        String text = Files.readString(sample);
        List<Path> copies = new ArrayList<>();
        Instant now = Instant.now();
        switch (eventsDir(f.logicalId()) + "/" + name) {
            case "roster-import/s3-object-created.json", "roster-import/manual-import.json", "roster-import/sqs-continuation.json" ->
                    copies.add(write(dir, name, text.replace("appban-prod-roster-111122223333-ap-southeast-2", stack.ref("RosterBucket"))));
            case "network-access/s3-telemetry-log.json", "network-access/manual-ingest.json" ->
                    copies.add(write(dir, name, text.replace("appban-prod-telemetry-111122223333-ap-southeast-2", stack.ref("TelemetryBucket"))));
            // A bounce and a complaint about a member's address (the samples' addresses are nobody's on this roster).
            case "notify-members/ses-bounce.json" -> copies.add(write(dir, name, text.replace("bounced@example.org", "ben.oconnor@parliament.govt.nz")));
            case "notify-members/ses-complaint.json" -> copies.add(write(dir, name, text.replace("sean@example.org", "mere.ngata@parliament.govt.nz")));
            // A step of the daily round handed to this stack's own queue (the sample's names production's, refused).
            case "notify-members/sqs-continuation.json" -> copies.add(write(dir, name, text.replace(
                    "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-NotifyWork",
                    stack.environment(f.logicalId()).get("NOTIFY_WORK_QUEUE_URL"))));
            // The first step of the day's sweep handed to this stack's own queue (the sample names production's, refused).
            case "exemption-sweep/sqs-continuation.json" -> copies.add(write(dir, name, text.replace(
                    "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-ExemptionSweepWork",
                    stack.environment(f.logicalId()).get("EXEMPTION_SWEEP_WORK_QUEUE_URL"))));
            // The first step of an hourly inventory round handed to this stack's own queue: it lists the MDM and the
            // registry, stores the fleet the later functions need, and Queries the stamps (the sample names production's
            // queue, refused).
            // Its round started now, as a schedule's would have: the complete listing keeps today's count of the fleet,
            // which network access's event samples then weigh their quarantines against.
            case "inventory-sync/sqs-continuation.json" -> copies.add(write(dir, name, text.replace(
                    "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-InventoryWork",
                    stack.environment(f.logicalId()).get("INVENTORY_WORK_QUEUE_URL")).replace("inventory-hourly/2023-06-01T09:00:00",
                    "inventory-hourly/" + java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS)
                            .format(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME))));
            // The first step of a one-part round's survey, handed to this stack's own queue: it surveys the fleet, counts,
            // and hands the act phase on (the sample as it is names production's queue and is refused).
            case "network-access/sqs-continuation.json" -> copies.add(write(dir, name, text.replace(
                    "https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-AccessWork",
                    stack.environment(f.logicalId()).get("ACCESS_WORK_QUEUE_URL"))));
            // The first step of a one-part deciding round's survey, then of its act phase (which the survey started),
            // handed to this stack's own round queue (named by the record's queue ARN too, which is how the handler
            // tells the round's steps from device work).
            case "enforce-removal/sqs-round-1-survey.json", "enforce-removal/sqs-round-2-act.json" -> {
                String url = stack.environment(f.logicalId()).get("ENFORCE_ROUND_QUEUE_URL");
                copies.add(write(dir, name, text.replace("https://sqs.ap-southeast-2.amazonaws.com/111122223333/appban-prod-EnforceRoundWork", url)
                        .replace("arn:aws:sqs:ap-southeast-2:111122223333:appban-prod-EnforceRoundWork",
                                "arn:aws:sqs:ap-southeast-2:111122223333:" + url.substring(url.lastIndexOf('/') + 1))));
            }
            case "network-access/device-status-changed.json" -> {
                // About a private device the inventory found, so the run looks at its owner's exemptions.
                Device device = inventoried(d -> d.ownership() == Ownership.PRIVATE && d.id().contains(":"));
                ObjectNode event = (ObjectNode) JSON.readTree(text);
                ((ObjectNode) event.path("detail")).put("device", device.id()).put("member", device.owner());
                copies.add(write(dir, name, event.toString()));
            }
            case "mdm-webhook/jamf-mobile-device-enrolled.json", "mdm-webhook/jamf-mobile-device-check-in.json",
                 "mdm-webhook/jamf-mobile-device-inventory-completed.json", "mdm-webhook/jamf-computer-inventory-completed.json" -> {
                // Now, about a device the Jamf simulator enrols, with the credentials this stack's JamfWebhookSecret holds.
                ObjectNode event = (ObjectNode) JSON.readTree(text);
                ObjectNode payload = (ObjectNode) JSON.readTree(event.path("body").asText());
                int jss = fleet.sims.world().devices().stream().filter(d -> d.spec().mdm() == org.appban.sim.fleet.FleetDevice.Mdm.JAMF && d.enrolled())
                        .mapToInt(org.appban.sim.world.SimDevice::jamfId).min().orElseThrow();
                if (!name.contains("computer")) ((ObjectNode) payload.path("event")).put("jssID", jss);
                // The check-in and inventory a moment after the enrolment, as Jamf sends them.
                ((ObjectNode) payload.path("webhook")).put("eventTimestamp", now.toEpochMilli() + (name.contains("enrolled") ? 0 : 1000));
                event.put("body", payload.toString());
                JsonNode auth = JSON.readTree(secretValue("JamfWebhookSecret"));
                ObjectNode headers = (ObjectNode) event.path("headers");
                headers.remove("x-appban-jamf");
                headers.put(auth.path("name").asText().toLowerCase(Locale.ROOT), auth.path("value").asText());
                copies.add(write(dir, name, event.toString()));
            }
            case "mdm-webhook/signed-compliance-changed.json" -> {
                ObjectNode event = (ObjectNode) JSON.readTree(text);
                // About a device the inventory found, so the webhook records its new compliance.
                Device device = inventoried(d -> d.mdm() == MdmKind.INTUNE && d.id().startsWith("intune:"));
                ObjectNode payload = (ObjectNode) JSON.readTree(event.path("body").asText());
                ((ObjectNode) payload.path("device")).put("mdmId", device.mdmId());
                payload.put("id", "evt-contract-" + UUID.randomUUID());
                event.put("body", payload.toString());
                String body = event.path("body").asText();
                String secret = secretValue("WebhookSecret");
                ((ObjectNode) event.path("headers")).put("x-appban-signature", new WebhookSignature(new Secret(secret)).sign(body, now));
                copies.add(write(dir, name, event.toString()));
            }
            case "exemption-link/get-form.json", "exemption-link/post-request.json" -> {
                SignedTokens tokens = new SignedTokens(Signer.withKey(JSON.readTree(secretValue("SigningSecret")).path("key").asText()));
                String token = tokens.issue(SignedExemptionLinks.PURPOSE, "m-001", now.plus(7, ChronoUnit.DAYS), "contract-" + UUID.randomUUID());
                ObjectNode event = (ObjectNode) JSON.readTree(text);
                if (name.startsWith("get")) {
                    ((ObjectNode) event.path("queryStringParameters")).put("token", token);
                    event.put("rawQueryString", "token=" + token);
                } else {
                    String form = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&device=d-102&reason="
                            + URLEncoder.encode("Reviews public submissions for the select committee", StandardCharsets.UTF_8);
                    event.put("body", Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8)));
                    event.put("isBase64Encoded", true);
                }
                copies.add(write(dir, name, event.toString()));
            }
            case "attestation/open-link.json", "attestation/confirm.json" -> {
                SignedLinks links = new SignedLinks(new Secret(secretValue("SigningSecret")), SignedLinks.ATTESTATION);
                String token = links.sign("m01", now.plus(7, ChronoUnit.DAYS), links.nonce("contract", UUID.randomUUID().toString()));
                ObjectNode event = (ObjectNode) JSON.readTree(text);
                if (name.startsWith("open")) {
                    event.put("rawQueryString", "t=" + token);
                    if (event.has("queryStringParameters")) ((ObjectNode) event.path("queryStringParameters")).put("t", token);
                } else {
                    String form = "t=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&confirm=yes";
                    event.put("body", event.path("isBase64Encoded").asBoolean()
                            ? Base64.getEncoder().encodeToString(form.getBytes(StandardCharsets.UTF_8)) : form);
                }
                copies.add(write(dir, name, event.toString()));
            }
            default -> {
            }
        }
        return copies;
    }

    /** A device the inventory sync put in this stack's devices table. */
    private Device inventoried(java.util.function.Predicate<Device> which) {
        return new DynamoDeviceStore(aws.dynamoDb(), stack.ref("DevicesTable")).all().stream().filter(which).findFirst()
                .orElseThrow(() -> new AssertionError("the inventory sync found no such device in the simulators' fleet"));
    }

    private String secretValue(String logicalId) {
        return aws.clients().secretsManager().getSecretValue(r -> r.secretId(stack.ref(logicalId))).secretString();
    }

    private static Path write(Path dir, String name, String content) throws IOException {
        Path p = dir.resolve("fresh-" + name);
        Files.writeString(p, content);
        return p;
    }

    // --- naming -----------------------------------------------------------------------------------------------------

    private static int rank(String logicalId) {
        int i = ORDER.indexOf(logicalId);
        return i < 0 ? ORDER.size() : i;
    }

    /** RosterImportFunction -> roster-import: the folder of its samples under events/. */
    static String eventsDir(String logicalId) {
        String base = logicalId.endsWith("Function") ? logicalId.substring(0, logicalId.length() - "Function".length()) : logicalId;
        return base.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Every JSON file under the function's events folder (malformed ones included), sorted by path. */
    private List<Path> samples(Function f) throws IOException {
        Path dir = root.resolve("events").resolve(eventsDir(f.logicalId()));
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** A recorded resource (a table name, a bucket/key, a secret ARN...) as the logical id it was created for. */
    private String logical(String action, String physical) {
        Map<String, String> byPhysical = new TreeMap<>();
        stack.resources().forEach((id, r) -> {
            for (String field : List.of("ref", "arn", "name")) {
                if (r.hasNonNull(field)) byPhysical.putIfAbsent(r.get(field).asText(), id);
            }
        });
        String service = action.substring(0, action.indexOf(':'));
        switch (service) {
            case "dynamodb" -> {
                String rest = physical.substring("table/".length());
                int index = rest.indexOf("/index/");
                String table = index < 0 ? rest : rest.substring(0, index);
                String id = byPhysical.get(table);
                return id == null ? "unknown:" + physical : id + (index < 0 ? "" : rest.substring(index));
            }
            case "s3" -> {
                int slash = physical.indexOf('/');
                String bucket = slash < 0 ? physical : physical.substring(0, slash);
                String id = byPhysical.get(bucket);
                return id == null ? "unknown:" + physical : id + (slash < 0 ? "" : "/*");
            }
            case "ssm" -> {
                String id = byPhysical.get(physical.substring("parameter".length()));
                return id == null ? "unknown:" + physical : id;
            }
            case "events" -> {
                String id = byPhysical.get(physical.substring("event-bus/".length()));
                return id == null ? "unknown:" + physical : id;
            }
            case "ses" -> {
                if (physical.startsWith("identity/")) {
                    String address = physical.substring("identity/".length()).replaceAll("^.*<|>$", "");
                    String identity = template.root().path("Parameters").path("SenderIdentity").path("Default").asText();
                    return address.equals(identity) || address.endsWith("@" + identity) ? "ses-identity/SenderIdentity" : "unknown:" + physical;
                }
                String id = byPhysical.get(physical.substring("configuration-set/".length()));
                return id == null ? "unknown:" + physical : id;
            }
            default -> {
                String id = byPhysical.get(physical);
                return id == null ? "unknown:" + physical : id;
            }
        }
    }

    // --- triggers -------------------------------------------------------------------------------------------------

    /** A trigger of a function and whether a sample event is what it delivers. */
    private record Trigger(String name, java.util.function.Predicate<JsonNode> test) {
        boolean matches(JsonNode sample) {
            return test.test(sample);
        }
    }

    private List<Trigger> triggers(Function f) {
        List<Trigger> triggers = new ArrayList<>();
        f.events().forEach((name, e) -> {
            JsonNode p = e.path("Properties");
            switch (e.path("Type").asText()) {
                case "ScheduleV2", "Schedule" -> {
                    JsonNode input = readJson(p.path("Input").asText("{}"));
                    triggers.add(new Trigger(name + " (schedule " + input + ")", s -> s.equals(input)));
                }
                case "S3" -> triggers.add(new Trigger(name + " (S3)", s -> "aws:s3".equals(s.path("Records").path(0).path("eventSource").asText())));
                case "SQS" -> triggers.add(new Trigger(name + " (SQS)", s -> "aws:sqs".equals(s.path("Records").path(0).path("eventSource").asText())));
                case "EventBridgeRule", "CloudWatchEvent" -> {
                    JsonNode pattern = p.path("Pattern");
                    triggers.add(new Trigger(name + " (EventBridge " + pattern + ")", s -> matchesPattern(pattern, s)));
                }
                default -> triggers.add(new Trigger(name + " (" + e.path("Type").asText() + ": no sample shape known)", s -> false));
            }
        });
        if (!f.properties().path("FunctionUrlConfig").isMissingNode()) {
            triggers.add(new Trigger("FunctionUrlConfig (function URL request)", s -> s.path("requestContext").path("http").isObject()));
        }
        // Triggers declared beside the function: Scheduler schedules and event source mappings that target it.
        template.resources().properties().forEach(e -> {
            JsonNode r = e.getValue();
            JsonNode p = r.path("Properties");
            switch (r.path("Type").asText()) {
                case "AWS::Scheduler::Schedule" -> {
                    if (!f.logicalId().equals(target(p.path("Target").path("Arn")))) return;
                    JsonNode input = p.path("Target").path("Input");
                    List<JsonNode> inputs = new ArrayList<>();
                    if (input.has("Fn::If")) {
                        for (int i = 1; i <= 2; i++) {
                            JsonNode branch = input.get("Fn::If").get(i);
                            inputs.add(readJson(branch.has("Fn::Sub") ? branch.get("Fn::Sub").asText().replaceAll("\\$\\{[A-Za-z]+}", "0") : branch.asText()));
                        }
                    } else {
                        inputs.add(readJson(input.asText("{}")));
                    }
                    for (JsonNode in : inputs) {
                        triggers.add(new Trigger(e.getKey() + " (schedule " + in + ")", s -> sameShape(in, s)));
                    }
                }
                case "AWS::Lambda::EventSourceMapping" -> {
                    if (!f.logicalId().equals(target(p.path("FunctionName")))) return;
                    boolean stream = template.canonical(p.path("EventSourceArn")).endsWith(".StreamArn");
                    String source = stream ? "aws:dynamodb" : "aws:sqs";
                    triggers.add(new Trigger(e.getKey() + (stream ? " (DynamoDB stream batch)" : " (SQS batch)"),
                            s -> source.equals(s.path("Records").path(0).path("eventSource").asText())));
                }
                default -> {
                }
            }
        });
        return triggers;
    }

    /** The function a trigger's target names: Ref X, Ref X.Alias or Fn::GetAtt [X, Arn]. */
    private static String target(JsonNode node) {
        String name = node.has("Ref") ? node.path("Ref").asText() : node.path("Fn::GetAtt").path(0).asText();
        return name.endsWith(".Alias") ? name.substring(0, name.length() - ".Alias".length()) : name;
    }

    /** Same fields, same texts; numbers may differ (a sample's confirmation count is its own). */
    private static boolean sameShape(JsonNode expected, JsonNode sample) {
        if (!sample.isObject() || expected.size() != sample.size()) return false;
        for (var it = expected.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            JsonNode s = sample.get(e.getKey());
            if (s == null) return false;
            if (e.getValue().isNumber() ? !s.isNumber() : !e.getValue().equals(s)) return false;
        }
        return true;
    }

    private static boolean matchesPattern(JsonNode pattern, JsonNode sample) {
        for (var it = pattern.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            JsonNode value = sample.get(e.getKey());
            if (value == null) return false;
            if (e.getValue().isObject()) {
                if (!matchesPattern(e.getValue(), value)) return false;
                continue;
            }
            boolean any = false;
            for (JsonNode allowed : e.getValue()) {
                if (allowed.isTextual() && allowed.asText().equals(value.asText())) any = true;
                if (allowed.has("prefix") && value.asText().startsWith(allowed.path("prefix").asText())) any = true;
                if (allowed.isObject() && allowed.has("Ref")) any = true;
            }
            if (!any) return false;
        }
        return true;
    }

    private static JsonNode readJson(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            // Malformed samples on purpose (not-json.json) are events too, but have no shape.
            return JSON.missingNode();
        }
    }

    private static JsonNode readJson(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
