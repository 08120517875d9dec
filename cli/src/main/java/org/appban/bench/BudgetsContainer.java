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
import org.appban.aws.AwsClients;
import org.appban.fleet.FleetEnforcement;
import org.appban.fleet.MdmAdapters;
import org.appban.fleet.intune.IntuneConnection;
import org.appban.fleet.jamf.JamfConnection;
import org.appban.network.EndpointKey;
import org.appban.network.ise.CiscoIseNetworkAccess;
import org.appban.network.ise.IseConnection;
import org.appban.policy.BanPolicy;
import org.appban.policy.PolicyLoader;
import org.appban.remote.ApiBudgets;
import org.appban.remote.RemoteFailure;
import org.appban.remote.RemoteOptions;
import org.appban.remote.Secret;
import org.appban.sim.Simulators;
import org.appban.store.dynamo.DynamoRateLimits;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * One Lambda container of {@code ./appban bench budgets}, in a JVM of its own: the external API calls of one
 * function's run, through the production adapters and the budgets shared in DynamoDB (on the emulator), against the
 * simulators. It prints one line per milestone ({@code event NAME EPOCH_MILLIS [detail]}) for the bench to read.
 *
 * <p>Roles: {@code inventory} (the MDMs' listings and the NAC's registry, once), {@code enforce-decide} (the
 * fleet-wide steps of the deadline run on both MDMs, then one work item per device with the app on the queue),
 * {@code enforce-worker} (check-in requests for the queue's items, as the event source mapping hands them over),
 * {@code network-access} (the webhooks' NAC commands, one queue message per webhook, until told to stop).
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
        event("started", get("role"));
        switch (get("role")) {
            case "inventory" -> inventory(options);
            case "enforce-decide" -> decide(options, aws.sqs());
            case "enforce-worker" -> work(options, aws.sqs());
            case "network-access" -> networkAccess(options, aws.sqs());
            default -> throw new IllegalArgumentException("unknown role " + get("role"));
        }
        event("done", null);
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

    private void decide(RemoteOptions options, SqsClient sqs) throws IOException {
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
        // One work item per device, ten to a SendMessageBatch as SqsWorkQueue sends them.
        String queue = get("workQueue");
        List<String> items = new ArrayList<>();
        intuneTargets.forEach(id -> items.add("INTUNE " + id));
        jamfTargets.forEach(id -> items.add("JAMF " + id));
        for (int from = 0; from < items.size(); from += 10) {
            List<String> chunk = items.subList(from, Math.min(items.size(), from + 10));
            var entries = new ArrayList<software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(chunk.get(i)).build());
            }
            sqs.sendMessageBatch(r -> r.queueUrl(queue).entries(entries));
        }
        Files.writeString(Path.of(get("decidedFlag")), "decided");
        event("enqueued", Integer.toString(items.size()));
    }

    private void work(RemoteOptions options, SqsClient sqs) {
        Map<String, FleetEnforcement> mdms = Map.of("INTUNE", intune(options).enforcement(), "JAMF", jamf(options).enforcement());
        String queue = get("workQueue");
        Path decided = Path.of(get("decidedFlag"));
        int done = 0;
        while (true) {
            // Short polls: the emulator answers one request at a time, and a long poll would hold up everyone's.
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(300)).messages();
            if (batch.isEmpty()) {
                if (Files.exists(decided)) break; // the deciding run has queued everything and nothing is left
                pause(1000);
                continue;
            }
            Map<String, List<String>> byMdm = new HashMap<>();
            for (Message m : batch) {
                String[] parts = m.body().split(" ", 2);
                byMdm.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(parts[1]);
            }
            byMdm.forEach((mdm, ids) -> mdms.get(mdm).sync(ids));
            List<DeleteMessageBatchRequestEntry> delete = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                delete.add(DeleteMessageBatchRequestEntry.builder().id("d" + i).receiptHandle(batch.get(i).receiptHandle()).build());
            }
            sqs.deleteMessageBatch(r -> r.queueUrl(queue).entries(delete));
            done += batch.size();
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

    private void networkAccess(RemoteOptions options, SqsClient sqs) {
        CiscoIseNetworkAccess nac = ise(options);
        String queue = get("webhookQueue");
        Path stop = Path.of(get("stopFlag"));
        int done = 0, failed = 0;
        while (!Files.exists(stop)) {
            // A function URL hands each request to a free container: here, the next webhooks on the queue (a few at a
            // time, one after the other, as a warm container takes successive invocations).
            List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(300)).messages();
            if (batch.isEmpty()) pause(1000);
            List<DeleteMessageBatchRequestEntry> handled = new ArrayList<>();
            for (Message m : batch) {
                String[] parts = m.body().split(" ", 2);
                try {
                    if (parts[0].equals("quarantine")) nac.quarantine(EndpointKey.mac(parts[1]));
                    else nac.release(EndpointKey.mac(parts[1]));
                    done++;
                } catch (RemoteFailure e) {
                    failed++;
                }
                handled.add(DeleteMessageBatchRequestEntry.builder().id("d" + handled.size()).receiptHandle(m.receiptHandle()).build());
            }
            if (!handled.isEmpty()) sqs.deleteMessageBatch(r -> r.queueUrl(queue).entries(handled));
        }
        event("handled", done + " " + failed);
    }
}
