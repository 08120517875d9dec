package org.appban.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.appban.json.Json;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.ApiBudgets;
import org.appban.sim.Simulators;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.http.RecordedRequest;
import org.appban.sim.http.SimServer;
import org.appban.sim.http.SimSettings;
import org.appban.store.dynamo.DynamoExemptionStore;
import org.appban.store.dynamo.DynamoMemberStore;
import org.appban.testing.MotoServer;
import org.appban.testing.TemplateResources;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * {@code ./appban bench scale --members N[,N2] --devices M[,M2]}: a campaign's rounds at a large organisation's scale,
 * and what the campaign costs.
 *
 * <p>A generated organisation ({@link ScaleOrganisation}, from a seed): members in the members table, Intune and Jamf
 * devices in the simulators, private devices in ISE, exemptions in the exemptions table, all on the AWS emulator
 * (moto through the bench's launcher, {@code MotoServer.startForBench}, whose transactions and Queries by key do not
 * slow down as the tables grow; {@code --stock-moto} for the tests' moto) with template.yaml's resources made by the
 * LocalStack init hook.
 * Each function runs in a container of its own (a JVM, {@link ScaleContainer}) with its template environment,
 * through its real handler, and every invocation gets Lambda's time limit scaled down ({@code --limit-seconds}, seen
 * by the handler as the Context's remaining time), so that a round that cannot finish in one invocation has to hand
 * its work on. The bench plays Lambda's part: a scheduled round is an asynchronous invocation, retried twice with
 * the same request id when it fails (template.yaml's MaximumRetryAttempts) and then given up (its on-failure
 * destination); whatever the function puts on a queue that template.yaml maps to a function (an event source
 * mapping, or a SAM SQS event) is read from the emulator's queue and delivered to that function in batches of the
 * mapping's size, again until nothing is left. The round is done when no invocation and no message is pending.
 *
 * <p>Rounds, in a campaign's order: the inventory sync (the first, which stores the fleet, and the next hour's);
 * the exemption sweep; notify on announcement day (every member mailed) and the next day (nothing due); network
 * access's daily run once the grace after the deadline is over (the first, which quarantines, and the next day's).
 * The handlers read the real clock, so each container gets the bundled policy with its dates moved to put today at
 * the right point of the campaign (a policy is data; {@code POLICY} names it in S3), and with the blast-radius caps
 * lifted (the bench acts on the whole generated fleet at once, which production would ask to confirm).
 *
 * <p>Prints per round: invocations (and errors, timeouts, given up), items, wall time, DynamoDB read and write
 * units and calls per item, Scans, emails, SQS requests, EventBridge events, duplicates (a notice sent twice to a
 * member), the external APIs' requests against their budgets (the simulators count every client's requests); then
 * the campaign's cost at AWS list prices ({@link CampaignCost}, {@link CampaignPlan}) per member and in total, and
 * the issue's targets. With two sizes, the per-item figures side by side. Exit 0 only when every target is met.
 */
@Command(name = "scale", description = {"A generated organisation's campaign rounds at scale, and what the campaign costs.",
        "Each function through its real handler in a container of its own with Lambda's time limit scaled down, on the emulator "
                + "and the simulators, the work it hands on delivered as Lambda would; per round the invocations, items, DynamoDB "
                + "units per item and the external APIs against their budgets, then the campaign's cost at AWS list prices per "
                + "member. Two sizes (--members 5000,25000) print the per-item figures side by side. Exit 1 when a target is missed."})
public final class ScaleBench implements Callable<Integer> {
    /** A round that has not finished after this many invocations is abandoned (and fails the targets). */
    static final int MAX_INVOCATIONS = 2000;
    /** A round Lambda gave up more often than this (each time invoked again as the next schedule) is abandoned. */
    static final int MAX_RESCHEDULES = 50;
    /**
     * Lambda's limit as the bench scales it down: short enough that a round of a thousand members hands on, long
     * enough that a step works twice its function's reserve (network access and the inventory sync stop starting work
     * with 60 s left, notify with 90 s). Scaled below the reserve, every step did only the one page or device a step
     * always does (network access's survey: 44 steps for 4,000 devices at 30 s), and each step's own reads and writes
     * (its gate, its message, its page read again) were counted per item as if production paid them that often.
     */
    static final int DEFAULT_LIMIT_SECONDS = 180;
    /** The longest reserve of the functions this bench runs (notify's): a limit below twice it is warned about. */
    static final int LONGEST_RESERVE_SECONDS = 90;

    @Option(names = "--members", paramLabel = "N[,N2]", description = "members, at one size or at several separated by commas "
            + "(default: ${DEFAULT-VALUE})")
    private String membersOption = "5000";
    @Option(names = "--devices", paramLabel = "M[,M2]", description = "devices at each size (default: four a member)")
    private String devicesOption;
    @Option(names = "--seed", paramLabel = "S", description = "the generated organisation's seed (default: ${DEFAULT-VALUE})")
    private long seed = 18;
    @Option(names = "--limit-seconds", paramLabel = "L", description = "Lambda's time limit as every invocation sees it, 5 to 900 "
            + "(default: ${DEFAULT-VALUE}). A step stops starting work with its function's reserve left (network access and the "
            + "inventory sync 60 s, notify 90 s), so it works L less that: at 90 a third of the invocation, at 60 or less only "
            + "the one page or device every step does")
    private int limitSeconds = DEFAULT_LIMIT_SECONDS;
    @Option(names = "--send-rate", paramLabel = "R", description = "notify's MAX_SEND_RATE, 0.1 to 1000 (default: ${DEFAULT-VALUE})")
    private double sendRate = 50;
    @Option(names = "--stock-moto", description = "moto as the tests run it, whose TransactWriteItems copies every table it touches "
            + "and whose Query by key walks the whole table (by default the bench's launcher: the same outcomes, in a time that does "
            + "not grow with the tables; for comparison)")
    private boolean stockMoto;
    @Spec
    private CommandSpec spec;
    private final PrintStream out;
    /** The real clock; the functions' and the simulators' are moved from it when a round runs later (the next hour's sync). */
    private final java.time.Clock clock;

    public ScaleBench(PrintStream out) {
        this(out, java.time.Clock.systemUTC());
    }

    ScaleBench(PrintStream out, java.time.Clock clock) {
        this.out = out;
        this.clock = clock;
    }

    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench scale", new ScaleBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        List<Integer> members;
        List<Integer> devices;
        try {
            members = sizes(membersOption, "--members");
            devices = devicesOption == null ? members.stream().map(n -> 4 * n).toList() : sizes(devicesOption, "--devices");
            if (devices.size() != members.size()) throw new IllegalArgumentException("--members and --devices need as many sizes each");
            if (limitSeconds < 5 || limitSeconds > 900) throw new IllegalArgumentException("--limit-seconds must be 5 to 900 (Lambda's most)");
            if (!(sendRate >= 0.1 && sendRate <= 1000)) {
                throw new IllegalArgumentException("--send-rate must be 0.1 to 1000 (template.yaml's MaxSendRate bounds)");
            }
            for (int i = 0; i < members.size(); i++) new ScaleOrganisation(members.get(i), devices.get(i), seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        List<SizeResult> results = new ArrayList<>();
        boolean ok = true;
        try {
            for (int i = 0; i < members.size(); i++) {
                SizeResult r = size(new ScaleOrganisation(members.get(i), devices.get(i), seed));
                results.add(r);
                ok &= r.targetsMet;
            }
        } catch (Exception e) {
            out.println("bench scale: failed: " + e);
            e.printStackTrace(out);
            return 1;
        }
        if (results.size() > 1) sideBySide(results);
        out.println(ok ? "TARGETS MET at every size" : "TARGETS NOT MET (see above)");
        return ok ? 0 : 1;
    }

    private static List<Integer> sizes(String v, String option) {
        List<Integer> list = new ArrayList<>();
        for (String s : v.split(",")) {
            try {
                list.add(Integer.parseInt(s.strip().replace("_", "")));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " takes whole numbers separated by commas, not '" + v + "'");
            }
        }
        return list;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // One size
    // ---------------------------------------------------------------------------------------------------------------

    /** A function as template.yaml defines it, and the queues mapped to it. */
    record FunctionSpec(String id, String handler, int memoryMb, int timeoutSeconds, int retries, List<Source> sources) {
    }

    /** A queue mapped to a function: its batches' size and how often a message is received before it is dead-lettered. */
    record Source(String queue, int batchSize, int maxReceives) {
    }

    /** One round's figures. */
    static final class Round {
        final String label, function, itemName;
        final int items, memoryMb;
        int invocations, errors, timeouts, givenUp, batches;
        long billedMillis, wallMillis, events, mailDuplicates, espRequests;
        double readUnits, writeUnits;
        final Map<String, Long> requests = new TreeMap<>();
        final Map<String, String> apis = new LinkedHashMap<>();
        /** When the round started, on the functions' clock and on the simulators'. */
        Instant startedAt, simStartedAt;
        /** The queued steps by phase ("" when the round has none): steps, handed on, items done, and their invocations' ms. */
        final Map<String, long[]> steps = new TreeMap<>();
        String lastAnswer = "";
        boolean apiOver, abandoned;

        Round(String label, String function, String itemName, int items, int memoryMb) {
            this.label = label;
            this.function = function;
            this.itemName = itemName;
            this.items = items;
            this.memoryMb = memoryMb;
        }

        double gbSeconds() {
            return billedMillis / 1000.0 * memoryMb / 1024.0;
        }

        long count(Predicate<String> op) {
            return requests.entrySet().stream().filter(e -> op.test(e.getKey())).mapToLong(Map.Entry::getValue).sum();
        }

        long dynamoCalls() {
            return count(k -> k.toLowerCase(Locale.ROOT).startsWith("dynamodb."));
        }

        long scans() {
            return count(k -> k.toLowerCase(Locale.ROOT).startsWith("dynamodb.") && k.endsWith(".Scan"));
        }

        long emails() {
            return count(k -> k.endsWith(".SendEmail"));
        }

        /** The function's own SQS calls, and the event source mapping's receive and delete of each batch delivered. */
        long sqsRequests() {
            return count(k -> k.toLowerCase(Locale.ROOT).startsWith("sqs.")) + espRequests;
        }

        boolean clean() {
            return errors == 0 && givenUp == 0 && mailDuplicates == 0 && !abandoned;
        }

        CampaignCost.Usage usage(boolean scheduled) {
            return new CampaignCost.Usage(invocations, billedMillis, memoryMb, readUnits, writeUnits, emails(), sqsRequests(), events,
                    scheduled ? 1 : 0);
        }

        double per(double v) {
            return items == 0 ? 0 : v / items;
        }
    }

    record SizeResult(ScaleOrganisation org, List<Round> rounds, CampaignCost.Bill bill, boolean targetsMet) {
    }

    private SizeResult size(ScaleOrganisation org) throws Exception {
        Path root = LocalEmulator.root();
        JsonNode template = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("template.yaml").toFile());
        Map<String, FunctionSpec> specs = functions(template);
        Instant now = clock.instant();
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "%nbench scale: %,d members, %,d devices (%s), %d exemptions, seed %d; Lambda's limit scaled to %d s an invocation;"
                        + " MAX_SEND_RATE %s/s%n", org.members(), org.devices(), mix(org), ceilDiv(org.members(), 100), seed, limitSeconds, fmt(sendRate));
        out.printf(Locale.ROOT, "machine: %d cores, load average %s at the start%n", Runtime.getRuntime().availableProcessors(), load());
        if (limitSeconds < 2 * LONGEST_RESERVE_SECONDS) {
            out.printf(Locale.ROOT, "note: at a %d s limit a step works %d s less its function's reserve (network access and inventory 60 s, notify"
                    + " 90 s), at least one page or device: more steps, and their own reads and writes, per item than production's 900 s%n",
                    limitSeconds, limitSeconds);
        }
        String fleetJson = org.fleetJson(now.minus(Duration.ofDays(1)));
        try (LocalEmulator aws = LocalEmulator.start(out, !stockMoto);
             Simulators sims = Simulators.of(new FleetLoader().parse(fleetJson, "scale-bench"), SimSettings.defaults()).start()) {
            fleetJson = null;
            String stage = "sc" + UUID.randomUUID().toString().substring(0, 6);
            String region = aws.clients().dynamoDb().serviceClientConfiguration().region().id();
            TemplateResources stack = TemplateResources.create(root, MotoServer.python(root.resolve("functions/target/emulator")), aws.endpoint(),
                    region, stage, new TemplateResources.SimulatorPorts("127.0.0.1", sims.intune().baseUri().getPort(),
                            sims.jamf().baseUri().getPort(), sims.ise().baseUri().getPort()), Map.of());

            // The Jamf fifth of the fleet is listed by Jamf Pro: a second MDM secret beside the stack's one (the init hook
            // points that at the Intune simulator), as an organisation with two MDMs sets MDM_SECRET_ARN to both.
            String jamfSecret = aws.clients().secretsManager().createSecret(r -> r.name("appban-" + stage + "-jamf-mdm")
                    .secretString("{\"kind\":\"jamf\",\"url\":\"" + sims.jamf().baseUri().toString().replaceAll("/$", "")
                            + "\",\"clientId\":\"" + Simulators.JAMF_CLIENT_ID + "\",\"clientSecret\":\"" + Simulators.JAMF_CLIENT_SECRET + "\"}")).arn();

            // The organisation in the stores: members written 25 a BatchWriteItem, as the roster import writes them.
            long s0 = System.nanoTime();
            Map<String, String> notifyEnv = stack.environment("NotifyMembersFunction");
            new DynamoMemberStore(aws.clients().dynamoDb(), notifyEnv.get("MEMBERS_TABLE")).saveAll(org.roster());
            JsonNode bundled = bundledPolicy();
            Duration expiring = Duration.ofDays(bundled.path("exemptions").path("expiringNoticeDays").asInt());
            DynamoExemptionStore exemptions = new DynamoExemptionStore(aws.clients().dynamoDb(), notifyEnv.get("EXEMPTIONS_TABLE"));
            var granted = org.exemptions(now, expiring);
            granted.forEach(exemptions::create);
            out.printf(Locale.ROOT, "stores filled in %.1f s (%,d members in %,d BatchWriteItem, %,d exemptions); the fleet is in the simulators%n",
                    (System.nanoTime() - s0) / 1e9, org.members(), ceilDiv(org.members(), 25), granted.size());
            try {
                aws.clients().sesV2().createEmailIdentity(r -> r.emailIdentity(bundled.path("sender").path("address").asText()));
            } catch (AlreadyExistsException verified) {
                // the hook verified it
            }

            // The policies, dated so that today is announcement day, or the first day after the deadline's grace.
            String bucket = "appban-" + stage + "-scale-policies";
            aws.clients().s3().createBucket(r -> r.bucket(bucket));
            ZoneId zone = ZoneId.of(bundled.path("zone").asText());
            LocalDate today = now.atZone(zone).toLocalDate();
            int grace = bundled.path("privateDevices").path("graceDays").asInt();
            ObjectNode announcementDay = dated(bundled, today.minusDays(1), today.plusDays(13));
            LocalDate deadline = today.minusDays(grace + 1L);
            ObjectNode afterGrace = dated(bundled, deadline.minusDays(14), deadline);
            String announcementPolicy = upload(aws, bucket, "announcement-day.json", Json.write(announcementDay));
            String afterGracePolicy = upload(aws, bucket, "after-grace.json", Json.write(afterGrace));
            CampaignPlan plan = CampaignPlan.of(bundled);

            Map<String, Container> containers = new LinkedHashMap<>();
            List<Round> rounds = new ArrayList<>();
            Path work = Files.createTempDirectory("appban-bench-scale-");
            try {
                Platform platform = new Platform(aws.clients().sqs(), stack, specs, containers, sims);
                java.util.function.BiFunction<String, String, Container> container = (fn, policy) -> containers.computeIfAbsent(fn, f -> {
                    Map<String, String> env = new LinkedHashMap<>(stack.environment(f));
                    env.put("POLICY", policy);
                    if (env.containsKey("MAX_SEND_RATE")) env.put("MAX_SEND_RATE", fmt(sendRate));
                    if (env.containsKey("MDM_SECRET_ARN")) env.put("MDM_SECRET_ARN", env.get("MDM_SECRET_ARN") + "," + jamfSecret);
                    return Container.start(specs.get(f), env, aws.endpoint(), region, work);
                });
                int exemptionCount = granted.size();
                container.apply("InventorySyncFunction", afterGracePolicy);
                container.apply("ExemptionSweepFunction", announcementPolicy);
                container.apply("NotifyMembersFunction", announcementPolicy);
                container.apply("NetworkAccessFunction", afterGracePolicy);
                rounds.add(platform.round("inventory sync, first (stores the fleet)", "InventorySyncFunction", "device", org.devices(),
                        "{\"trigger\": \"schedule\", \"schedule\": \"inventory-hourly\"}"));
                // The next hour's sync an hour after the first started, on the simulators' clock (the devices' check-ins of that
                // hour happen) and on the functions' (their tokens, stamps and leases see the hour pass), not minutes later.
                platform.after(rounds.get(0), Duration.ofHours(1));
                rounds.add(platform.round("inventory sync, next hour", "InventorySyncFunction", "device", org.devices(),
                        "{\"trigger\": \"schedule\", \"schedule\": \"inventory-hourly\"}"));
                rounds.add(platform.round("exemption sweep, daily", "ExemptionSweepFunction", "exemption", exemptionCount,
                        "{\"trigger\": \"schedule\", \"schedule\": \"exemption-sweep-daily\"}"));
                rounds.add(platform.round("notify, announcement day", "NotifyMembersFunction", "member", org.members(),
                        "{\"trigger\": \"schedule\", \"schedule\": \"notify-daily\"}"));
                platform.after(rounds.get(3), Duration.ofDays(1));
                rounds.add(platform.round("notify, a day with nothing due", "NotifyMembersFunction", "member", org.members(),
                        "{\"trigger\": \"schedule\", \"schedule\": \"notify-daily\"}"));
                rounds.add(platform.round("network access, first after grace", "NetworkAccessFunction", "device", org.devices(),
                        "{\"trigger\":\"schedule\",\"schedule\":\"network-access-daily\"}"));
                platform.after(rounds.get(5), Duration.ofDays(1));
                rounds.add(platform.round("network access, next day", "NetworkAccessFunction", "device", org.devices(),
                        "{\"trigger\":\"schedule\",\"schedule\":\"network-access-daily\"}"));
            } finally {
                containers.values().forEach(Container::close);
            }

            printRounds(rounds);
            CampaignCost.Bill bill = campaign(org, rounds, specs, plan, CampaignPlan.mappedQueues(template));
            CampaignCost.Targets targets = CampaignCost.targets(bill, org.members());
            boolean clean = rounds.stream().allMatch(Round::clean);
            boolean apisOk = rounds.stream().noneMatch(r -> r.apiOver);
            out.printf(Locale.ROOT, "%ntargets: every round completes with no error and no duplicate: %s; no external API over its budget in any"
                    + " window: %s%n", clean ? "yes" : "NO", apisOk ? "yes" : "NO");
            out.printf(Locale.ROOT, "         campaign cost %s <= 2 x SES %s: %s; per member US$%.5f < US$%.3f: %s%n", usd(bill.total()), usd(bill.ses()),
                    targets.withinTwiceMail() ? "yes" : "NO", targets.perMember(), CampaignCost.PER_MEMBER_LIMIT, targets.underPerMember() ? "yes" : "NO");
            out.printf(Locale.ROOT, "size done in %.0f s; machine load average %s at the end%n", (System.nanoTime() - t0) / 1e9, load());
            return new SizeResult(org, rounds, bill, clean && apisOk && targets.met());
        }
    }

    private static String mix(ScaleOrganisation org) {
        int[] n = new int[3];
        for (int i = 0; i < org.devices(); i++) n[ScaleOrganisation.kind(i).ordinal()]++;
        return String.format(Locale.ROOT, "%,d Intune, %,d Jamf, %,d private in ISE", n[0], n[1], n[2]);
    }

    /** The bundled policy with its announcement and deadline moved, and the blast-radius caps lifted for the bench. */
    static ObjectNode dated(JsonNode bundled, LocalDate announcement, LocalDate deadline) {
        ObjectNode p = bundled.deepCopy();
        p.put("announcement", announcement.toString());
        String time = bundled.path("deadline").asText().substring(10);
        p.put("deadline", deadline + time);
        ObjectNode enforcement = (ObjectNode) p.path("enforcement");
        enforcement.put("maxDevicesPerRun", PolicyLoader.Bounds.DEVICES_PER_RUN).put("maxFleetShare", 1.0);
        return p;
    }

    /** The bundled policy's file, as JSON (the resource PolicyLoader reads). */
    static JsonNode bundledPolicy() throws IOException {
        try (var in = PolicyLoader.class.getResourceAsStream("/policies/" + PolicyLoader.BUNDLED + ".json")) {
            if (in == null) throw new IllegalStateException("the bundled policy is missing from the class path");
            return Json.parse(in.readAllBytes());
        }
    }

    private static String upload(LocalEmulator aws, String bucket, String key, String text) {
        aws.clients().s3().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(text, StandardCharsets.UTF_8));
        String reference = "s3://" + bucket + "/" + key;
        new PolicyLoader().parse(text, reference); // refused here, naming the problem, rather than in every container
        return reference;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lambda's part
    // ---------------------------------------------------------------------------------------------------------------

    /** The platform: invokes the containers, retries, and delivers what the functions queue. */
    private final class Platform {
        private final SqsClient sqs;
        private final TemplateResources stack;
        private final Map<String, FunctionSpec> specs;
        private final Map<String, Container> containers;
        private final Simulators sims;
        /** How far the functions' clock is ahead of the real one (it only moves forward). */
        private Duration offset = Duration.ZERO;

        Platform(SqsClient sqs, TemplateResources stack, Map<String, FunctionSpec> specs, Map<String, Container> containers, Simulators sims) {
            this.sqs = sqs;
            this.stack = stack;
            this.specs = specs;
            this.containers = containers;
            this.sims = sims;
        }

        /** An invocation waiting: an event for a function, its request id (a retry keeps it) and attempt. */
        private record Pending(String function, String event, String requestId, int attempt, Source source, List<Message> messages) {
        }

        /**
         * Moves the simulators' clock and the functions' to {@code later} after {@code earlier} started (never back):
         * the next round runs as the next hour's or the next day's would, without waiting for it. On the simulators the
         * devices' check-ins of that time happen; the functions' rounds are named by their hour or day, so a round run
         * minutes later on the real clock would be the same round, refused as a replay of its steps.
         */
        void after(Round earlier, Duration later) {
            Instant simBefore = sims.clock().instant();
            Instant simWanted = earlier.simStartedAt.plus(later);
            if (simWanted.isAfter(simBefore)) sims.clock().set(simWanted);
            Duration wanted = Duration.between(clock.instant(), earlier.startedAt.plus(later));
            if (wanted.compareTo(offset) > 0) offset = wanted;
            out.printf(Locale.ROOT, "  (%s after \"%s\" started: the simulators' clock %s -> %s; the functions' %s, the real one %s)%n",
                    later, earlier.label, simBefore, sims.clock().instant(), now(), clock.instant());
        }

        /** The functions' clock. */
        Instant now() {
            return clock.instant().plus(offset);
        }

        Round round(String label, String function, String itemName, int items, String event) throws IOException {
            Round round = new Round(label, function, itemName, items, specs.get(function).memoryMb());
            round.startedAt = now();
            round.simStartedAt = sims.clock().instant();
            int[] apiMarks = {sims.intune().requests().all().size(), sims.jamf().requests().all().size(), sims.ise().requests().all().size()};
            long start = System.currentTimeMillis();
            Deque<Pending> pending = new ArrayDeque<>();
            int stoppedInARow = 0;
            pending.add(new Pending(function, event, UUID.randomUUID().toString(), 0, null, List.of()));
            out.printf(Locale.ROOT, "  %-40s ", label);
            while (!pending.isEmpty()) {
                if (round.invocations >= MAX_INVOCATIONS) {
                    round.abandoned = true;
                    round.givenUp += pending.size();
                    out.print(" [abandoned after " + MAX_INVOCATIONS + " invocations]");
                    break;
                }
                Pending p = pending.poll();
                FunctionSpec spec = specs.get(p.function());
                Container c = containers.get(p.function());
                if (c == null) throw new IllegalStateException(p.function() + " was handed work but the bench gave it no container");
                JsonNode r = c.invoke(p.event(), p.requestId(), limitSeconds * 1000L, offset);
                round.invocations++;
                round.billedMillis += r.path("millis").asLong();
                round.readUnits += r.path("readUnits").asDouble();
                round.writeUnits += r.path("writeUnits").asDouble();
                round.events += r.path("events").asLong();
                round.mailDuplicates += r.path("mailDuplicates").asLong();
                r.path("requests").properties().forEach(e -> round.requests.merge(e.getKey(), e.getValue().asLong(), Long::sum));
                round.lastAnswer = r.path("answer").asText();
                boolean failed = !r.path("ok").asBoolean() || r.path("timedOut").asBoolean();
                if (r.path("timedOut").asBoolean()) round.timeouts++;
                out.print(failed ? "x" : p.source() == null ? "o" : ".");
                if (failed) {
                    round.errors++;
                    if (round.errors <= 3) out.printf(Locale.ROOT, "[%s] ", cut(r.path("ok").asBoolean() ? "timed out" : r.path("error").asText(), 140));
                    if (p.source() == null) {
                        // An asynchronous invocation: Lambda retries it with the same request id, then gives it up (to its
                        // on-failure destination). The bench then invokes it again as the next scheduled run would (a new
                        // request id), so that the round's figures cover all its work; the give-up fails the targets.
                        // A run stopped by the limit every time hands nothing on: two such schedules in a row and the
                        // round is abandoned (it cannot finish at this limit).
                        stoppedInARow = r.path("timedOut").asBoolean() ? stoppedInARow + 1 : 0;
                        if (p.attempt() < spec.retries()) {
                            pending.addFirst(new Pending(p.function(), p.event(), p.requestId(), p.attempt() + 1, null, List.of()));
                        } else {
                            round.givenUp++;
                            if (stoppedInARow >= 2 * (spec.retries() + 1)) {
                                out.print(" [abandoned: every invocation of two schedules in a row was stopped by the limit]");
                                round.abandoned = true;
                            } else if (round.givenUp > MAX_RESCHEDULES) {
                                out.print(" [abandoned: given up by Lambda " + round.givenUp + " times]");
                                round.abandoned = true;
                            } else {
                                pending.addFirst(new Pending(p.function(), p.event(), UUID.randomUUID().toString(), 0, null, List.of()));
                            }
                        }
                    } else {
                        requeue(round, pending, p, p.messages());
                    }
                } else if (p.source() != null) {
                    // Read by the container from the whole answer (an act step's is longer than the 4 kB kept here).
                    List<String> failedIds = new ArrayList<>();
                    r.path("batchItemFailures").forEach(f -> failedIds.add(f.path("itemIdentifier").asText()));
                    for (JsonNode step : r.path("steps")) {
                        long[] t = round.steps.computeIfAbsent(step.path("phase").asText(""), k -> new long[4]);
                        t[0]++;
                        if ("handed-on".equals(step.path("status").asText())) t[1]++;
                        t[2] += step.path("items").asLong();
                        t[3] += r.path("millis").asLong() / Math.max(1, r.path("steps").size());
                    }
                    if (!failedIds.isEmpty()) {
                        round.errors++;
                        requeue(round, pending, p, p.messages().stream().filter(m -> failedIds.contains(m.messageId())).toList());
                    }
                }
                collect(pending, round);
                if (pending.isEmpty()) awaitDelayed(pending, round);
            }
            round.wallMillis = System.currentTimeMillis() - start;
            out.printf(Locale.ROOT, " %d invocation(s), %.1f s%n", round.invocations, round.wallMillis / 1000.0);
            apis(round, apiMarks);
            return round;
        }

        /** Messages of a failed batch come back after their visibility timeout, until the queue's maxReceiveCount. */
        private void requeue(Round round, Deque<Pending> pending, Pending p, List<Message> messages) {
            if (messages.isEmpty()) return;
            if (p.attempt() + 1 < p.source().maxReceives()) {
                pending.add(new Pending(p.function(), sqsEvent(p.source(), messages), UUID.randomUUID().toString(), p.attempt() + 1, p.source(), messages));
            } else {
                round.givenUp += messages.size();
            }
        }

        /**
         * The platform's own calls to the emulator, tried again for a minute when it does not answer in time (a moto
         * on a loaded machine): the platform does not lose a round to a slow emulator.
         */
        private <T> T patiently(java.util.function.Supplier<T> call) {
            for (int attempt = 1; ; attempt++) {
                try {
                    return call.get();
                } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
                    if (attempt == 12) throw e;
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException i) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        /** What the functions put on mapped queues since the last look, in batches of each mapping's size. */
        private void collect(Deque<Pending> pending, Round round) {
            for (FunctionSpec spec : specs.values()) {
                for (Source source : spec.sources()) {
                    String url = stack.ref(source.queue());
                    List<Message> batch = new ArrayList<>();
                    while (true) {
                        List<Message> got = patiently(() -> sqs.receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(Math.min(10, source.batchSize()))
                                .waitTimeSeconds(0).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages());
                        if (got.isEmpty()) break;
                        round.espRequests += 2; // the mapping's receive, and its delete of what the function handled
                        for (Message m : got) {
                            patiently(() -> sqs.deleteMessage(r -> r.queueUrl(url).receiptHandle(m.receiptHandle())));
                            batch.add(m);
                            if (batch.size() == source.batchSize()) {
                                if (!containers.containsKey(spec.id())) throw new IllegalStateException(spec.id() + " has work queued on "
                                        + source.queue() + " but this bench does not run it");
                                pending.add(new Pending(spec.id(), sqsEvent(source, batch), UUID.randomUUID().toString(), 0, source, List.copyOf(batch)));
                                batch.clear();
                            }
                        }
                    }
                    if (!batch.isEmpty()) {
                        if (!containers.containsKey(spec.id())) throw new IllegalStateException(spec.id() + " has work queued on "
                                + source.queue() + " but this bench does not run it");
                        pending.add(new Pending(spec.id(), sqsEvent(source, batch), UUID.randomUUID().toString(), 0, source, List.copyOf(batch)));
                    }
                }
            }
        }

        /**
         * Messages sent with a delay (or not yet visible) are work still to come: the round waits for them (up to 15
         * minutes) rather than ending early.
         */
        private void awaitDelayed(Deque<Pending> pending, Round round) {
            long until = System.currentTimeMillis() + Duration.ofMinutes(15).toMillis();
            while (pending.isEmpty() && System.currentTimeMillis() < until) {
                long waiting = 0;
                for (FunctionSpec spec : specs.values()) {
                    for (Source source : spec.sources()) {
                        var attributes = patiently(() -> sqs.getQueueAttributes(r -> r.queueUrl(stack.ref(source.queue())).attributeNamesWithStrings(
                                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessagesNotVisible"))
                                .attributesAsStrings());
                        for (String v : attributes.values()) waiting += Long.parseLong(v);
                    }
                }
                if (waiting == 0) return;
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                collect(pending, round);
            }
        }

        private String sqsEvent(Source source, List<Message> messages) {
            ObjectNode event = Json.object();
            ArrayNode records = event.putArray("Records");
            String arn = stack.resource(source.queue()).path("arn").asText();
            for (Message m : messages) {
                ObjectNode r = records.addObject();
                r.put("messageId", m.messageId()).put("receiptHandle", m.receiptHandle()).put("body", m.body());
                ObjectNode attributes = r.putObject("attributes");
                m.attributesAsStrings().forEach(attributes::put);
                attributes.put("ApproximateReceiveCount", attributes.path("ApproximateReceiveCount").asText("1"));
                ObjectNode ma = r.putObject("messageAttributes");
                m.messageAttributes().forEach((k, v) -> ma.putObject(k).put("stringValue", v.stringValue()).put("dataType", v.dataType()));
                r.put("md5OfBody", m.md5OfBody()).put("eventSource", "aws:sqs").put("eventSourceARN", arn)
                        .put("awsRegion", stack.region());
            }
            return Json.write(event);
        }

        /** The external APIs' requests during the round, against their budgets (the most in any window of the budget's length). */
        private void apis(Round round, int[] marks) {
            api(round, "Graph deviceManagement", sims.intune(), marks[0], r -> r.path().contains("/deviceManagement/"),
                    ApiBudgets.GRAPH_DEVICES_ANY, ApiBudgets.GRAPH_WINDOW);
            api(round, "Graph deviceAppManagement", sims.intune(), marks[0], r -> r.path().contains("/deviceAppManagement/"),
                    ApiBudgets.GRAPH_APPS_ANY, ApiBudgets.GRAPH_WINDOW);
            api(round, "Jamf Pro", sims.jamf(), marks[1], r -> !r.path().contains("/oauth") && !r.path().contains("/auth/"), 0, null);
            api(round, "ISE ERS", sims.ise(), marks[2], r -> true, ApiBudgets.ISE_DEFAULT * (int) ApiBudgets.ISE_WINDOW.toSeconds(),
                    ApiBudgets.ISE_WINDOW);
        }

        private void api(Round round, String name, SimServer sim, int mark, Predicate<RecordedRequest> applies, int limit, Duration window) {
            List<RecordedRequest> all = sim.requests().all();
            long[] at = all.subList(Math.min(mark, all.size()), all.size()).stream()
                    .filter(r -> !r.path().startsWith("/_sim/") && applies.test(r)).mapToLong(r -> r.wallTime().toEpochMilli()).sorted().toArray();
            if (at.length == 0) return;
            if (window == null) {
                round.apis.put(name, String.format(Locale.ROOT, "%,d (most in 1 s: %d)", at.length, BudgetsBench.mostInAnyWindow(at, 1000)));
                return;
            }
            int most = BudgetsBench.mostInAnyWindow(at, window.toMillis());
            if (most > limit) round.apiOver = true;
            round.apis.put(name, String.format(Locale.ROOT, "%,d (most in %d s: %d of %d%s)", at.length, window.toSeconds(), most, limit,
                    most > limit ? " OVER" : ""));
        }
    }

    /**
     * A function's container: a JVM of its own, its environment from the template (as on Lambda), the meter installed.
     * An invocation that overruns its limit is stopped as Lambda stops it (the JVM is killed, billed the whole limit) and
     * the next invocation gets a fresh container (a cold start); what the meter counted until the last second is kept.
     */
    private static final class Container implements AutoCloseable {
        /** How long past the limit the bench waits before it stops an invocation (the answer's way back). */
        private static final long GRACE_MILLIS = 2000;
        private final FunctionSpec spec;
        private final Map<String, String> env;
        private final URI endpoint;
        private final String region;
        private final Path work;
        private Process process;
        private java.util.concurrent.BlockingQueue<String> lines;
        private PrintStream asks;
        private Path log;
        int starts;

        private Container(FunctionSpec spec, Map<String, String> env, URI endpoint, String region, Path work) {
            this.spec = spec;
            this.env = env;
            this.endpoint = endpoint;
            this.region = region;
            this.work = work;
        }

        static Container start(FunctionSpec spec, Map<String, String> env, URI endpoint, String region, Path work) {
            Container c = new Container(spec, env, endpoint, region, work);
            c.boot();
            return c;
        }

        private void boot() {
            try {
                // The meter, as a global SDK interceptor: the resource the SDK looks for, on this JVM's class path only.
                Path meter = work.resolve("meter");
                Path file = meter.resolve("software/amazon/awssdk/global/handlers/execution.interceptors");
                Files.createDirectories(file.getParent());
                Files.writeString(file, ScaleMeter.class.getName() + "\n");
                String javaCommand = ProcessHandle.current().info().command().orElse("java");
                // Lambda's JVM: the java21 runtime's flags (C1 only, serial GC), a heap within the function's memory.
                List<String> command = List.of(javaCommand, "-Xmx" + Math.max(256, spec.memoryMb() * 3 / 4) + "m", "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1", "-cp", meter + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                        ScaleContainer.class.getName(), spec.id(), spec.handler());
                log = work.resolve(spec.id() + "-" + (++starts) + ".log");
                ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
                Map<String, String> e = builder.environment();
                e.keySet().removeIf(k -> k.startsWith("AWS_"));
                e.putAll(env);
                e.put("AWS_ENDPOINT_URL", endpoint.toString());
                e.put("AWS_REGION", region);
                e.put("AWS_ACCESS_KEY_ID", "test");
                e.put("AWS_SECRET_ACCESS_KEY", "test");
                process = builder.start();
                asks = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
                java.util.concurrent.BlockingQueue<String> queue = new java.util.concurrent.LinkedBlockingQueue<>();
                lines = queue;
                BufferedReader answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                Thread reader = new Thread(() -> {
                    try {
                        for (String line; (line = answers.readLine()) != null; ) queue.add(line);
                    } catch (IOException gone) {
                        // the container was stopped
                    }
                    queue.add("scale-gone");
                }, "scale-" + spec.id());
                reader.setDaemon(true);
                reader.start();
                String first = queue.poll(5, java.util.concurrent.TimeUnit.MINUTES);
                if (!"scale-ready".equals(first)) {
                    throw new IllegalStateException(spec.id() + "'s container did not start (" + first + "); see " + log + ":\n" + tail(log));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** @param offset how far the functions' clock is ahead of the real one ({@link ScaleContainer.MovedClock}) */
        JsonNode invoke(String event, String requestId, long limitMillis, Duration offset) throws IOException {
            ObjectNode ask = Json.object();
            ask.put("requestId", requestId).put("limitMillis", limitMillis).put("clockOffsetMillis", offset.toMillis()).put("event", event);
            ObjectNode counted = Json.object();
            long deadline = System.currentTimeMillis() + limitMillis + GRACE_MILLIS;
            asks.println(Json.write(ask));
            try {
                while (true) {
                    String line = lines.poll(Math.max(1, deadline - System.currentTimeMillis()), java.util.concurrent.TimeUnit.MILLISECONDS);
                    if (line == null) {
                        // Lambda stops the invocation at its limit: so does the bench, and the next one starts a new container.
                        process.destroyForcibly();
                        process.waitFor();
                        boot();
                        counted.put("ok", false).put("error", "Task timed out after " + limitMillis / 1000 + " s (stopped)")
                                .put("millis", limitMillis).put("timedOut", true).put("answer", "");
                        return counted;
                    }
                    if (line.equals("scale-gone")) throw new IllegalStateException("a container died during an invocation; see " + log + ":\n" + tail(log));
                    if (line.startsWith("scale-counts ")) {
                        add(counted, Json.parse(line.substring("scale-counts ".length()).getBytes(StandardCharsets.UTF_8)));
                    } else if (line.startsWith("scale-result ")) {
                        ObjectNode result = (ObjectNode) Json.parse(line.substring("scale-result ".length()).getBytes(StandardCharsets.UTF_8));
                        add(result, counted);
                        return result;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Adds the counts in {@code more} to {@code into}. */
        private static void add(ObjectNode into, JsonNode more) {
            ObjectNode requests = into.has("requests") ? (ObjectNode) into.get("requests") : into.putObject("requests");
            more.path("requests").properties().forEach(e -> requests.put(e.getKey(), requests.path(e.getKey()).asLong() + e.getValue().asLong()));
            for (String k : List.of("readUnits", "writeUnits")) into.put(k, into.path(k).asDouble() + more.path(k).asDouble());
            for (String k : List.of("events", "mailDuplicates")) into.put(k, into.path(k).asLong() + more.path(k).asLong());
        }

        @Override
        public void close() {
            asks.close();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e.getMessage() + ")";
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // template.yaml
    // ---------------------------------------------------------------------------------------------------------------

    /** The functions: handler, memory, timeout, asynchronous retries, and the queues mapped to each. */
    static Map<String, FunctionSpec> functions(JsonNode template) {
        JsonNode resources = template.path("Resources");
        JsonNode globals = template.path("Globals").path("Function");
        Map<String, List<Source>> sources = new LinkedHashMap<>();
        resources.properties().forEach(e -> {
            JsonNode r = e.getValue();
            if ("AWS::Lambda::EventSourceMapping".equals(r.path("Type").asText())) {
                String queue = getAtt(r.path("Properties").path("EventSourceArn"));
                String fn = r.path("Properties").path("FunctionName").path("Ref").asText().replace(".Alias", "");
                if (queue != null && "AWS::SQS::Queue".equals(resources.path(queue).path("Type").asText())) {
                    sources.computeIfAbsent(fn, k -> new ArrayList<>()).add(source(resources, queue, r.path("Properties")));
                }
            }
            if ("AWS::Serverless::Function".equals(r.path("Type").asText())) {
                r.path("Properties").path("Events").properties().forEach(ev -> {
                    if (!"SQS".equals(ev.getValue().path("Type").asText())) return;
                    String queue = getAtt(ev.getValue().path("Properties").path("Queue"));
                    if (queue != null) sources.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(source(resources, queue, ev.getValue().path("Properties")));
                });
            }
        });
        Map<String, FunctionSpec> specs = new LinkedHashMap<>();
        resources.properties().forEach(e -> {
            JsonNode p = e.getValue().path("Properties");
            if (!"AWS::Serverless::Function".equals(e.getValue().path("Type").asText())) return;
            String handler = p.path("Handler").asText();
            specs.put(e.getKey(), new FunctionSpec(e.getKey(), handler.contains("::") ? handler.substring(0, handler.indexOf("::")) : handler,
                    p.path("MemorySize").asInt(globals.path("MemorySize").asInt(128)), p.path("Timeout").asInt(globals.path("Timeout").asInt(3)),
                    p.path("EventInvokeConfig").path("MaximumRetryAttempts").asInt(2), List.copyOf(sources.getOrDefault(e.getKey(), List.of()))));
        });
        return specs;
    }

    private static Source source(JsonNode resources, String queue, JsonNode properties) {
        int receives = resources.path(queue).path("Properties").path("RedrivePolicy").path("maxReceiveCount").asInt(5);
        return new Source(queue, properties.path("BatchSize").asInt(10), receives);
    }

    private static String getAtt(JsonNode node) {
        JsonNode att = node.path("Fn::GetAtt");
        if (att.isArray() && att.size() == 2 && "Arn".equals(att.get(1).asText())) return att.get(0).asText();
        if (att.isTextual() && att.asText().endsWith(".Arn")) return att.asText().substring(0, att.asText().length() - 4);
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Figures
    // ---------------------------------------------------------------------------------------------------------------

    private void printRounds(List<Round> rounds) {
        out.printf(Locale.ROOT, "%n%-40s %6s %6s %9s %8s %8s %9s %9s %9s %5s %7s %7s %7s %5s%n", "round", "invoc.", "errors", "items",
                "wall s", "GB-s", "RRU/item", "WRU/item", "DDB/item", "Scans", "emails", "SQS", "events", "dupl.");
        for (Round r : rounds) {
            out.printf(Locale.ROOT, "%-40s %6d %6s %,9d %8.1f %8.1f %9.3f %9.3f %9.3f %5d %,7d %,7d %,7d %5d%n", r.label, r.invocations,
                    r.errors + (r.givenUp > 0 ? "/" + r.givenUp + "!" : "") + (r.abandoned ? "A" : ""), r.items, r.wallMillis / 1000.0, r.gbSeconds(),
                    r.per(r.readUnits), r.per(r.writeUnits), r.per(r.dynamoCalls()), r.scans(), r.emails(), r.sqsRequests(), r.events, r.mailDuplicates);
        }
        out.println("  (GB-s at the function's memory from template.yaml, a stopped invocation billed its whole limit; errors/N! = N"
                + " invocations or messages Lambda gave up after its retries, each then invoked again as the next schedule would;"
                + " A: abandoned unfinished, its figures partial; items: the round's devices, members or exemptions; DDB/item: DynamoDB calls)");
        out.println("external APIs (requests in the round; most in any window of the budget's length, against the budget):");
        for (Round r : rounds) {
            if (!r.apis.isEmpty()) out.printf(Locale.ROOT, "  %-40s %s%n", r.label, r.apis);
        }
        out.println("the emulator's pace (AWS calls the functions made a second of the round's wall time; each call is answered before the"
                + " next of its step, so on this machine this, not the code, bounds a round's wall time, apart from an external API's budget):");
        for (Round r : rounds) {
            long aws = r.count(k -> true);
            out.printf(Locale.ROOT, "  %-40s %,d AWS calls (%,d DynamoDB) in %.1f s: %.0f a second (%.0f DynamoDB)%n", r.label, aws, r.dynamoCalls(),
                    r.wallMillis / 1000.0, aws * 1000.0 / Math.max(1, r.wallMillis), r.dynamoCalls() * 1000.0 / Math.max(1, r.wallMillis));
        }
        out.println("queued steps by phase (steps, handed on, items a step, seconds a step):");
        for (Round r : rounds) {
            if (r.steps.isEmpty()) continue;
            StringBuilder line = new StringBuilder();
            r.steps.forEach((phase, t) -> line.append(String.format(Locale.ROOT, "%s%s %d steps, %d handed on, %.0f %ss a step, %.1f s a step",
                    line.isEmpty() ? "" : "; ", phase.isEmpty() ? "steps:" : phase + ":", t[0], t[1], t[2] / (double) t[0], r.itemName, t[3] / 1000.0 / t[0])));
            out.printf(Locale.ROOT, "  %-40s %s%n", r.label, line);
        }
        out.println("DynamoDB and other AWS calls by operation:");
        for (Round r : rounds) out.printf(Locale.ROOT, "  %-40s %s%n", r.label, r.requests);
        for (Round r : rounds) {
            if (!r.clean()) out.printf(Locale.ROOT, "  %s: last answer: %s%n", r.label, r.lastAnswer.length() > 600 ? r.lastAnswer.substring(0, 600) + "..." : r.lastAnswer);
        }
    }

    /** The whole campaign: each measured round as often as the plan runs it, billed at list prices. */
    private CampaignCost.Bill campaign(ScaleOrganisation org, List<Round> rounds, Map<String, FunctionSpec> specs, CampaignPlan plan,
                                       java.util.SortedSet<String> mapped) {
        int queues = mapped.size();
        Map<String, CampaignCost.Usage> byFunction = new LinkedHashMap<>();
        // As often as the plan runs each, in the order size() measures them.
        long[] counts = {1, plan.inventoryRounds() - 1, plan.sweepRounds(), plan.stageRounds(), plan.notifyQuietRounds(),
                Math.min(1, plan.accessDays()), Math.max(0, plan.accessDays() - 1)};
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            byFunction.merge(r.function, r.usage(true).times(counts[i]), CampaignCost.Usage::plus);
        }
        out.printf(Locale.ROOT, "%ncampaign (%d days: announcement to %d days after the deadline): inventory sync x%d, exemption sweep x%d,"
                        + " notify x%d (%d mailing the roster), network access x%d; Lambda's idle SQS polling of %d mapped queue(s) %s%n", plan.days(),
                CampaignPlan.DAYS_AFTER_DEADLINE, plan.inventoryRounds(), plan.sweepRounds(), plan.days(), plan.stageRounds(), plan.accessDays(), queues,
                mapped);
        out.printf(Locale.ROOT, "%-26s %10s %10s %10s %10s %10s %10s %12s%n", "cost at list prices (US$)", "Lambda", "DynamoDB", "SES", "SQS",
                "EventBridge", "total", "per member");
        CampaignCost.Bill total = CampaignCost.Bill.ZERO;
        for (var e : byFunction.entrySet()) {
            CampaignCost.Bill b = CampaignCost.bill(e.getValue());
            total = total.plus(b);
            printBill(e.getKey().replace("Function", ""), b, org.members());
        }
        CampaignCost.Bill polling = CampaignCost.bill(new CampaignCost.Usage(0, 0, 0, 0, 0, 0, plan.idlePolls(queues), 0, 0));
        printBill("idle SQS polling", polling, org.members());
        total = total.plus(polling);
        printBill("campaign", total, org.members());
        // The polling is the same at any size; the rest follows the roster and the fleet (the per-item figures).
        double fixed = polling.total();
        double variable = (total.total() - fixed) / org.members();
        out.printf(Locale.ROOT, "  fixed (idle polling) US$%.4f a campaign; the rest US$%.6f a member (SES US$%.6f of it), so per member at"
                        + " 25,000 members US$%.6f and at 250,000 US$%.6f, if the per-item figures hold (compare two sizes)%n",
                fixed, variable, total.ses() / org.members(), variable + fixed / 25_000, variable + fixed / 250_000);
        long emails = rounds.stream().filter(r -> r.function.equals("NotifyMembersFunction")).mapToLong(Round::emails).findFirst().orElse(0);
        out.printf(Locale.ROOT, "  (SES: %,d emails in the announcement round x %d roster-wide stages; event-driven notices, catch-up invocations"
                + " on DeviceStatusChanged, enforce-removal, roster import and the digests are not in this bench)%n", emails, plan.stageRounds());
        return total;
    }

    private void printBill(String name, CampaignCost.Bill b, int members) {
        out.printf(Locale.ROOT, "%-26s %10.4f %10.4f %10.4f %10.4f %10.4f %10.4f %12.6f%n", name, b.lambda(), b.dynamoDb(), b.ses(), b.sqs(),
                b.eventBridge(), b.total(), b.total() / members);
    }

    private void sideBySide(List<SizeResult> results) {
        out.println("\nper item, side by side (no growth with size means the figures at 250,000 members follow):");
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-40s %-10s", "round", "figure"));
        for (SizeResult s : results) head.append(String.format(Locale.ROOT, " %18s", String.format(Locale.ROOT, "%,d/%,d", s.org().members(), s.org().devices())));
        out.println(head);
        for (int i = 0; i < results.get(0).rounds().size(); i++) {
            int index = i;
            for (String figure : List.of("RRU/item", "WRU/item", "DDB/item", "GB-s/item")) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-40s %-10s", figure.equals("RRU/item") ? results.get(0).rounds().get(i).label : "", figure));
                for (SizeResult s : results) {
                    Round r = s.rounds().get(index);
                    double v = switch (figure) {
                        case "RRU/item" -> r.per(r.readUnits);
                        case "WRU/item" -> r.per(r.writeUnits);
                        case "DDB/item" -> r.per(r.dynamoCalls());
                        default -> r.per(r.gbSeconds());
                    };
                    line.append(String.format(Locale.ROOT, " %18.4f", v));
                }
                out.println(line);
            }
        }
        StringBuilder cost = new StringBuilder(String.format(Locale.ROOT, "%-40s %-10s", "campaign", "US$/member"));
        for (SizeResult s : results) cost.append(String.format(Locale.ROOT, " %18.6f", s.bill().total() / s.org().members()));
        out.println(cost);
    }

    private static String cut(String s, int most) {
        return s.length() <= most ? s : s.substring(0, most) + "...";
    }

    private static String usd(double v) {
        return String.format(Locale.ROOT, "US$%.2f", v);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    static String load() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f", l);
    }
}
