package org.appban.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.appban.wiring.AdapterPriming;
import org.appban.wiring.AwsClients;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.mdm.MdmAdapters;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.network.EndpointKey;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.remote.ApiBudgets;
import org.appban.remote.Budget;
import org.appban.remote.RemoteFailure;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.store.dynamo.DynamoRateLimits;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * One Lambda container of {@code ./appban bench budgets}, in a JVM of its own: the external API calls of one
 * function's run, through the production adapters and the budgets shared in DynamoDB (on the emulator), against the
 * simulators. It prints one line per milestone ({@code event NAME EPOCH_MILLIS [detail]}) for the bench to read.
 *
 * <p>The bench plays the Lambda platform: it hands each container its invocations (the event source mapping's
 * batches of queued work, the function URL's webhooks) over the container's standard input, one when the container
 * asks with {@code next}: {@code work MDM ID...}, {@code webhook quarantine MAC} or {@code event quarantine MAC}, {@code wait} (nothing queued now),
 * {@code end}. So the emulator serves only what the functions themselves call, here the shared budgets.
 *
 * <p>Roles: {@code inventory} (the MDMs' listings and the NAC's registry, once), {@code enforce-decide} (the
 * fleet-wide steps of the deadline run on both MDMs, then one work item per device with the app, printed as
 * {@code enqueue MDM ID} for the bench's queue), {@code enforce-worker} (check-in requests for batches of up to ten
 * items, as the event source mapping hands them over), {@code network-access} (each device event's NAC command),
 * {@code mdm-webhook} (each webhook's NAC command: MdmWebhookFunction re-evaluates a relayed compliance change).
 * At the end each prints {@code event limiter LABEL writes lost writeMillis granted used lapsed waits takeMillis
 * prefetched tableWaits tableMillis} per budget it drew on.
 */
public final class BudgetsContainer {
    private final Map<String, String> conf;
    private final PrintStream out = System.out;

    private BudgetsContainer(Map<String, String> conf) {
        this.conf = conf;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> conf = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            conf.put(a.substring(0, eq), a.substring(eq + 1));
        }
        int status = 0;
        try {
            new BudgetsContainer(conf).run();
        } catch (Exception | Error e) {
            System.out.println("event failed " + System.currentTimeMillis() + " " + e.toString().replace('\n', ' '));
            e.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }

    private String get(String key) {
        String v = conf.get(key);
        if (v == null) throw new IllegalArgumentException("missing " + key);
        return v;
    }

    private void event(String name, String detail) {
        out.println("event " + name + " " + System.currentTimeMillis() + (detail == null ? "" : " " + detail));
        out.flush();
    }

    private void run() throws Exception {
        AwsClients aws = new AwsClients(Region.of(get("region")), Optional.of(URI.create(get("endpoint"))),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")));
        // What Production builds on Lambda: the container's shared budgets in the table, the deployment's ISE setting.
        DynamoRateLimits limits = DynamoRateLimits.forContainer(aws.dynamoDb(), get("table"), Clock.systemUTC());
        RemoteOptions options = RemoteOptions.standard(Clock.systemUTC()).withLimits(limits)
                .withBudgets(ApiBudgets.fromSetting(Optional.of(get("iseCallsPerSecond"))))
                .withBudgetScale(Double.parseDouble(get("budgetScale")));
        // Warm, as a container that has served an invocation before: its clients built, the table reached once, and
        // its path through the adapters primed as SnapStart priming primes it in production (AdapterPriming: canned
        // answers, nothing sent, no budget touched). Without it, fifteen JVMs loading and compiling the same paths at
        // once on this machine's two cores starve the first 20 s window, which no production container sees.
        aws.dynamoDb().describeTable(r -> r.tableName(get("table")));
        // The limiter's own write path too (its update, the answer's parsing), on a budget of this container's own
        // that nothing else draws on: the first real grants otherwise paid for it, niced, all at once.
        DynamoRateLimits.forContainer(aws.dynamoDb(), get("table"), Clock.systemUTC())
                .limit(new Budget("bench-warm-up/" + ProcessHandle.current().pid(), "warm-up", 40, Duration.ofSeconds(10)))
                .take(org.appban.remote.Sleeper.REAL);
        switch (get("role")) {
            case "inventory" -> AdapterPriming.inventory();
            case "enforce-decide", "enforce-worker" -> AdapterPriming.enforcement();
            default -> AdapterPriming.networkAccess();
        }
        event("started", get("role"));
        java.io.BufferedReader in = stdin();
        out.println("ready");
        out.flush();
        if (!"go".equals(in.readLine())) return; // the bench gave up before starting
        switch (get("role")) {
            case "inventory" -> inventory(options);
            case "enforce-decide" -> decide(options);
            case "enforce-worker" -> work(options, in);
            // Both take NAC commands: network access its device events, the MDM webhook function its webhooks.
            case "network-access", "mdm-webhook" -> networkAccess(options, limits, in);
            default -> throw new IllegalArgumentException("unknown role " + get("role"));
        }
        // How this container drew on each budget (its writes to the table, permits lapsed, time in take).
        for (DynamoRateLimits.BucketStats b : limits.stats()) {
            event("limiter", String.join(" ", b.label().replace(' ', '_'), Long.toString(b.writes()), Long.toString(b.lostWrites()),
                    Long.toString(b.writeMillis()), Long.toString(b.granted()), Long.toString(b.used()), Long.toString(b.lapsed()),
                    Long.toString(b.waits()), Long.toString(b.takeMillis()), Long.toString(b.prefetched()), Long.toString(b.tableWaits()),
                    Long.toString(b.tableMillis())));
        }
        // How it started on each: its first take and permit, its first grants (asked, answered, permits, lease start,
        // writes, lost, ahead or not, found full) and the refill it found run over.
        for (DynamoRateLimits.BucketStart b : limits.starts()) {
            StringBuilder grants = new StringBuilder();
            for (DynamoRateLimits.EarlyGrant g : b.grants()) {
                grants.append(grants.isEmpty() ? "" : ";").append(g.askedAt()).append(',').append(g.answeredAt()).append(',').append(g.permits())
                        .append(',').append(g.leaseStart()).append(',').append(g.writes()).append(',').append(g.lost()).append(',')
                        .append(g.ahead() ? 1 : 0).append(',').append(g.foundFull() ? 1 : 0);
            }
            event("start", String.join(" ", b.label().replace(' ', '_'), Long.toString(b.firstTakeAt()), Long.toString(b.firstPermitAt()),
                    Long.toString(b.fullMillis()), Integer.toString(b.fullGrants()), grants.isEmpty() ? "-" : grants.toString()));
        }
        event("done", null);
    }

    private static java.io.BufferedReader stdin() {
        return new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
    }

    private MdmAdapters.Mdm intune(RemoteOptions options) {
        URI base = URI.create(get("intune"));
        return MdmAdapters.intune(new IntuneConnection(base, base, Simulators.TENANT, Simulators.GRAPH_CLIENT_ID,
                new Secret(Simulators.GRAPH_CLIENT_SECRET)), options);
    }

    private MdmAdapters.Mdm jamf(RemoteOptions options) {
        return MdmAdapters.jamf(JamfConnection.apiClient(URI.create(get("jamf")), Simulators.JAMF_CLIENT_ID,
                new Secret(Simulators.JAMF_CLIENT_SECRET)), options);
    }

    private CiscoIseNetworkAccess ise(RemoteOptions options) {
        return new CiscoIseNetworkAccess(new IseConnection(URI.create(get("ise")), Simulators.ISE_USER, new Secret(Simulators.ISE_PASSWORD),
                "Quarantine"), options);
    }

    private static BanPolicy policy() {
        return new PolicyLoader().bundled(PolicyLoader.BUNDLED);
    }

    private void inventory(RemoteOptions options) {
        BanPolicy policy = policy();
        long intune;
        try (var devices = intune(options).inventory().devices(policy.app())) {
            intune = devices.count();
        }
        event("listed", "intune " + intune);
        long jamf;
        try (var devices = jamf(options).inventory().devices(policy.app())) {
            jamf = devices.count();
        }
        event("listed", "jamf " + jamf);
        long registered;
        try (var devices = ise(options).registered()) {
            registered = devices.count();
        }
        event("listed", "ise " + registered);
    }

    private void decide(RemoteOptions options) throws IOException {
        BanPolicy policy = policy();
        Set<String> intuneTargets = new LinkedHashSet<>(Files.readAllLines(Path.of(get("intuneTargets")), StandardCharsets.UTF_8));
        Set<String> jamfTargets = new LinkedHashSet<>(Files.readAllLines(Path.of(get("jamfTargets")), StandardCharsets.UTF_8));
        for (var mdm : List.of(Map.entry(intune(options).enforcement(), intuneTargets), Map.entry(jamf(options).enforcement(), jamfTargets))) {
            FleetEnforcement e = mdm.getKey();
            event("fleet-steps", e.mdm().name());
            e.ensureUninstall(policy.app(), mdm.getValue(), Set.of());
            e.ensureReinstallBlock(policy.app(), Set.of());
            e.ensureComplianceRule(policy.app(), Set.of());
        }
        event("fleet-steps-done", null);
        // One work item per device (SqsWorkQueue's messages), queued by the bench.
        StringBuilder items = new StringBuilder();
        intuneTargets.forEach(id -> items.append("enqueue INTUNE ").append(id).append('\n'));
        jamfTargets.forEach(id -> items.append("enqueue JAMF ").append(id).append('\n'));
        out.print(items);
        event("enqueued", Integer.toString(intuneTargets.size() + jamfTargets.size()));
    }

    /** The next invocation the platform (the bench) hands this container; null when it says there will be none. */
    private String next(java.io.BufferedReader in) throws IOException {
        while (true) {
            out.println("next");
            out.flush();
            String line = in.readLine();
            if (line == null || line.equals("end")) return null;
            if (!line.equals("wait")) return line;
            pause(200);
        }
    }

    private void work(RemoteOptions options, java.io.BufferedReader in) throws IOException {
        Map<String, FleetEnforcement> mdms = Map.of("INTUNE", intune(options).enforcement(), "JAMF", jamf(options).enforcement());
        int done = 0;
        for (String batch; (batch = next(in)) != null; ) {
            // "work MDM ID ID ...": one SQS batch of one MDM's devices.
            String[] parts = batch.split(" ");
            List<String> ids = List.of(parts).subList(2, parts.length);
            mdms.get(parts[1]).sync(ids);
            done += ids.size();
        }
        event("drained", Integer.toString(done));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void networkAccess(RemoteOptions options, DynamoRateLimits limits, java.io.BufferedReader in) throws IOException {
        CiscoIseNetworkAccess nac = ise(options);
        int done = 0, failed = 0;
        long progressAt = System.currentTimeMillis() + 5000;
        for (String webhook; (webhook = next(in)) != null; ) {
            if (System.currentTimeMillis() >= progressAt) {
                progressAt += 5000;
                event("progress", done + " " + limits.stats());
            }
            // "webhook|event quarantine MAC" or "... release MAC": the NAC command the device calls for.
            String[] parts = webhook.split(" ");
            try {
                if (parts[1].equals("quarantine")) nac.quarantine(EndpointKey.mac(org.appban.domain.MacAddress.parse(parts[2])));
                else nac.release(EndpointKey.mac(org.appban.domain.MacAddress.parse(parts[2])));
                done++;
            } catch (RemoteFailure e) {
                failed++;
            }
        }
        event("handled", done + " " + failed);
    }
}
