package org.appban.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.json.Json;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Output;

/**
 * {@code ./appban admin}: the administrators' command for a deployed stack. Finds the admin function URL in the
 * stack's outputs ({@code --stack}) or takes it ({@code --url}), signs every request with SigV4 from the caller's
 * own AWS credentials (the SDK's default chain, or {@code --profile}), so that the function knows who asks, and
 * prints the answer as a table (or {@code --json}). Exit codes: 0 done, 1 refused, 2 usage.
 */
final class AdminCommand {
    static final String OUTPUT = "AdminFunctionUrl";
    private static final Set<String> GLOBAL_VALUED = Set.of("stack", "url", "region", "profile");
    private static final Set<String> GLOBAL_FLAGS = Set.of("json", "help");
    private static final Pattern URL_REGION = Pattern.compile("^[a-z0-9]+\\.lambda-url\\.([a-z0-9-]+)\\.on\\.aws$");

    static final String USAGE = """
            usage: ./appban admin (--stack NAME | --url URL) [--region REGION] [--profile NAME] [--json] SUBCOMMAND [options]

            Calls the admin function of a deployed appban stack through its function URL, signed (SigV4) with your own
            AWS credentials: the function sees who you are, checks the policy's administrators and approvers, and the
            ledger records you. --stack finds the URL in the stack's output AdminFunctionUrl; --profile picks a profile
            of your AWS config (default: the SDK's credential chain, e.g. aws sso login). Tables by default, --json for
            the function's report as it is. Exit codes: 0 done, 1 refused, 2 usage.

            subcommands (each takes --help):
              status       campaign totals; writes the JSON and CSV status report to the reports bucket
              preview      what each function would do, to whom, over the coming days
              exemptions   list exemptions (by member, by state)
              request      ask for an exemption on a member's behalf
              grant        grant a requested exemption until a date (approvers)
              refuse       refuse a requested exemption (approvers)
              revoke       revoke a granted exemption (approvers)
              sweep        ask for the exemption notices that are due
              killswitch   engage (on) or release (off) the kill switch
              ledger       verify the ledger's hash chains, or export a member's or device's entries
              enforce      a manual enforce-removal run (dry run unless --run), handed on as you
              access       a manual network-access run (dry run unless --run), handed on as you
              approvals    requests waiting for a second administrator (the two-person rule)
              approve      give the second approval of another administrator's request

            Under the policy's two-person rule, turning the kill switch off and long exemptions answer "pending" with an
            approval id; they happen once a different administrator runs: ./appban admin ... approve APPROVAL-ID
            """;

    /** One subcommand: its words, options and the admin request it sends. */
    private record Sub(String name, String usage, String help, Set<String> valued, Set<String> flags, int positional,
                       Function<Args, ObjectNode> request) {
    }

    private static final Map<String, Sub> SUBS = new LinkedHashMap<>();

    static {
        add(new Sub("status", "status [--members]", "Campaign totals (members, devices by state, notices, exemptions, quarantines); "
                + "the full report goes to the reports bucket as JSON and CSV. --members adds each member's line.",
                Set.of(), Set.of("members"), 0, a -> op("status").put("includeMembers", a.flag("members"))));
        add(new Sub("preview", "preview [--days N] [--from DATE-TIME]", "What each function would do, to whom, over the next N days "
                + "(default 14) from now or --from (a date-time with offset); changes nothing.",
                Set.of("days", "from"), Set.of(), 0, a -> {
                    ObjectNode o = op("preview");
                    a.get("days").ifPresent(d -> o.put("days", a.integer("days", 14)));
                    a.get("from").ifPresent(f -> o.put("from", f));
                    return o;
                }));
        add(new Sub("exemptions", "exemptions [--member ID] [--state requested|active|expired|refused|revoked]",
                "Exemptions, newest request first.", Set.of("member", "state"), Set.of(), 0, a -> {
                    ObjectNode o = op("exemption.list");
                    a.get("member").ifPresent(m -> o.put("member", m));
                    a.get("state").ifPresent(s -> o.put("state", s));
                    return o;
                }));
        add(new Sub("request", "request --member ID --reason TEXT [--devices ID,ID] [--request-id ID]",
                "Asks for an exemption on a member's behalf (the whole member, or the listed devices); you are the requester, "
                        + "so another approver must decide it. A repeated --request-id finds the same request.",
                Set.of("member", "reason", "devices", "request-id"), Set.of(), 0, a -> {
                    ObjectNode o = op("exemption.request").put("member", required(a, "member")).put("reason", required(a, "reason"));
                    a.get("devices").ifPresent(d -> {
                        var list = o.putArray("devices");
                        for (String id : d.split(",")) if (!id.isBlank()) list.add(id.strip());
                    });
                    a.get("request-id").ifPresent(r -> o.put("requestId", r));
                    return o;
                }));
        add(new Sub("grant", "grant EXEMPTION-ID --expires DATE-TIME [--note TEXT]", "Grants a requested exemption until --expires "
                + "(a date-time with offset, within the policy's maximum). Approvers only, never the requester or the member.",
                Set.of("expires", "note"), Set.of(), 1, a -> {
                    ObjectNode o = op("exemption.grant").put("id", a.positional().get(0)).put("expires", required(a, "expires"));
                    a.get("note").ifPresent(n -> o.put("note", n));
                    return o;
                }));
        add(new Sub("refuse", "refuse EXEMPTION-ID --reason TEXT", "Refuses a requested exemption. Approvers only.",
                Set.of("reason"), Set.of(), 1, a -> op("exemption.refuse").put("id", a.positional().get(0)).put("reason", required(a, "reason"))));
        add(new Sub("revoke", "revoke EXEMPTION-ID --reason TEXT", "Revokes a granted exemption at once. Approvers only.",
                Set.of("reason"), Set.of(), 1, a -> op("exemption.revoke").put("id", a.positional().get(0)).put("reason", required(a, "reason"))));
        add(new Sub("sweep", "sweep", "Asks for every exemption notice that is due (expiring, expired); the daily schedule does the same.",
                Set.of(), Set.of(), 0, a -> op("exemption.sweep")));
        add(new Sub("killswitch", "killswitch on|off --reason TEXT", "Engages (on) or releases (off) the kill switch: while it is on, "
                + "no MDM removal and no network quarantine runs.", Set.of("reason"), Set.of(), 1, a -> {
                    String state = a.positional().get(0);
                    if (!state.equals("on") && !state.equals("off")) throw new Args.UsageException("killswitch takes on or off, found '" + state + "'");
                    return op("killswitch." + state).put("reason", required(a, "reason"));
                }));
        add(new Sub("ledger", "ledger verify [--chain CHAIN] | ledger export (--member ID | --device ID)",
                "verify: checks the ledger's hash chains (all, or one) and names the first break. export: writes a member's or "
                        + "device's entries to the reports bucket.", Set.of("chain", "member", "device"), Set.of(), 1, a -> {
                    String what = a.positional().get(0);
                    if (what.equals("verify")) {
                        ObjectNode o = op("ledger.verify");
                        a.get("chain").ifPresent(c -> o.put("chain", c));
                        return o;
                    }
                    if (!what.equals("export")) throw new Args.UsageException("ledger takes verify or export, found '" + what + "'");
                    ObjectNode o = op("ledger.export");
                    a.get("member").ifPresent(m -> o.put("member", m));
                    a.get("device").ifPresent(d -> o.put("device", d));
                    return o;
                }));
    }

    static {
        add(new Sub("approvals", "approvals [--state pending|approved|expired]", "Requests waiting for (or given, or past) a second "
                + "administrator's approval under the policy's two-person rule (administration.secondApproval).",
                Set.of("state"), Set.of(), 0, a -> {
                    ObjectNode o = op("approval.list");
                    o.put("state", a.get("state").orElse("pending"));
                    return o;
                }));
        add(new Sub("approve", "approve APPROVAL-ID", "Gives the second approval of another administrator's pending request "
                + "(never your own), which carries it out in your name, with theirs on record.",
                Set.of(), Set.of(), 1, a -> op("approval.approve").put("id", a.positional().get(0))));
    }

    static {
        add(new Sub("enforce", "enforce (--members ID,ID | --devices ID,ID | --all) [--confirm N] [--run]",
                "Removal of the app from corporate devices, through enforce-removal: a dry run (what it would do) unless --run. "
                        + "The admin function records who asked and hands the run on; --confirm N agrees to N devices past the "
                        + "blast-radius cap (a second administrator's approval under the two-person rule).",
                Set.of("members", "devices", "confirm"), Set.of("all", "run"), 0, a -> {
                    ObjectNode r = Json.object().put("request", "enforce");
                    scope(a, r);
                    if (a.flag("all")) r.put("all", true);
                    return manual("enforce.run", a, r);
                }));
        add(new Sub("access", "access reconcile|quarantine|release [--members ID,ID | --devices ID,ID] [--confirm N] [--run]",
                "Network access for private devices, through network-access: a dry run unless --run; the whole fleet unless "
                        + "--members or --devices. --confirm N agrees to N quarantines past the blast-radius cap.",
                Set.of("members", "devices", "confirm"), Set.of("run"), 1, a -> {
                    String action = a.positional().get(0);
                    if (!List.of("reconcile", "quarantine", "release").contains(action)) {
                        throw new Args.UsageException("access takes reconcile, quarantine or release, found '" + action + "'");
                    }
                    ObjectNode r = Json.object().put("action", action);
                    scope(a, r);
                    return manual("access.run", a, r);
                }));
    }

    private static void scope(Args a, ObjectNode request) {
        for (String option : List.of("members", "devices")) {
            a.get(option).ifPresent(v -> {
                var list = request.putArray(option);
                for (String id : v.split(",")) if (!id.isBlank()) list.add(id.strip());
            });
        }
    }

    private static ObjectNode manual(String operation, Args a, ObjectNode request) {
        request.put("dryRun", !a.flag("run"));
        if (a.get("confirm").isPresent()) request.put("confirm", a.integer("confirm", 0));
        ObjectNode o = op(operation);
        o.set("request", request);
        // One id per command: were the call repeated (a retry after a timeout), it would find the same authorisation.
        o.put("requestId", "cli-" + java.util.UUID.randomUUID());
        return o;
    }

    private static void add(Sub sub) {
        SUBS.put(sub.name(), sub);
    }

    /** The subcommands, for the README and the tests that run each one's --help. */
    static Set<String> subcommands() {
        return SUBS.keySet();
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Function<Optional<String>, AwsCredentialsIdentity> credentials;
    private final StackOutputs stacks;
    private final Clock clock;

    /** Where a stack's outputs come from (CloudFormation; a fake in tests). */
    interface StackOutputs {
        Map<String, String> outputs(String stack, String region);
    }

    AdminCommand(PrintStream out, PrintStream err) {
        this(out, err, AdminCommand::sdkCredentials, AdminCommand::cloudFormationOutputs, Clock.systemUTC());
    }

    AdminCommand(PrintStream out, PrintStream err, Function<Optional<String>, AwsCredentialsIdentity> credentials,
                 StackOutputs stacks, Clock clock) {
        this.out = out;
        this.err = err;
        this.credentials = credentials;
        this.stacks = stacks;
        this.clock = clock;
    }

    int run(List<String> argv) {
        String name = subcommandOf(argv);
        if (name == null) {
            if (argv.contains("--help")) {
                out.print(USAGE);
                return 0;
            }
            throw new Args.UsageException("admin needs a subcommand\n" + USAGE);
        }
        Sub sub = SUBS.get(name);
        if (sub == null) throw new Args.UsageException("unknown admin subcommand '" + name + "'; one of " + String.join(", ", SUBS.keySet()));
        List<String> rest = new ArrayList<>(argv);
        rest.remove(name);
        Set<String> valued = new TreeSet<>(GLOBAL_VALUED);
        valued.addAll(sub.valued());
        Set<String> flags = new TreeSet<>(GLOBAL_FLAGS);
        flags.addAll(sub.flags());
        Args args = new Args(rest, valued, flags);
        if (args.flag("help")) {
            out.println("usage: ./appban admin (--stack NAME | --url URL) [--region REGION] [--profile NAME] [--json] " + sub.usage());
            out.println();
            out.println(sub.help());
            return 0;
        }
        if (args.positional().size() != sub.positional()) {
            throw new Args.UsageException("usage: ./appban admin ... " + sub.usage());
        }
        ObjectNode request = sub.request().apply(args);
        URI url = url(args);
        String region = region(args, url);
        AdminClient.Answer answer;
        try {
            answer = new AdminClient(url, region, credentials.apply(args.get("profile")), clock).call(request);
        } catch (IOException e) {
            err.println("appban admin: could not reach " + url + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return print(name, args.flag("json"), answer);
    }

    /** The first word that is neither an option nor a global option's value. */
    private static String subcommandOf(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.startsWith("--")) {
                if (!a.contains("=") && GLOBAL_VALUED.contains(a.substring(2))) i++;
                continue;
            }
            return a;
        }
        return null;
    }

    private URI url(Args args) {
        Optional<String> url = args.get("url");
        Optional<String> stack = args.get("stack");
        if (url.isPresent() == stack.isPresent()) throw new Args.UsageException("name the stack (--stack NAME) or the admin function URL (--url URL), one of them");
        if (url.isPresent()) {
            try {
                URI u = URI.create(url.get());
                if (u.getScheme() == null || u.getHost() == null) throw new IllegalArgumentException("no scheme or host");
                return u;
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--url '" + url.get() + "' is not a URL: " + e.getMessage());
            }
        }
        String region = args.get("region").orElseGet(AdminCommand::defaultRegion);
        Map<String, String> outputs = stacks.outputs(stack.get(), region);
        String found = outputs.get(OUTPUT);
        if (found == null) throw new Args.UsageException("stack " + stack.get() + " has no output " + OUTPUT + " (outputs: " + outputs.keySet() + ")");
        return URI.create(found);
    }

    private static String region(Args args, URI url) {
        if (args.get("region").isPresent()) return args.get("region").get();
        Matcher m = URL_REGION.matcher(url.getHost());
        if (m.matches()) return m.group(1);
        return defaultRegion();
    }

    private static String defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (RuntimeException e) {
            throw new Args.UsageException("no AWS region: pass --region (or set AWS_REGION, or a region in your profile)");
        }
    }

    private static AwsCredentialsIdentity sdkCredentials(Optional<String> profile) {
        return profile.<AwsCredentialsIdentity>map(p -> ProfileCredentialsProvider.create(p).resolveCredentials())
                .orElseGet(() -> DefaultCredentialsProvider.builder().build().resolveCredentials());
    }

    private static Map<String, String> cloudFormationOutputs(String stack, String region) {
        try (CloudFormationClient cfn = CloudFormationClient.builder().region(Region.of(region))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            Map<String, String> outputs = new LinkedHashMap<>();
            for (Output o : cfn.describeStacks(r -> r.stackName(stack)).stacks().get(0).outputs()) outputs.put(o.outputKey(), o.outputValue());
            return outputs;
        }
    }

    private static ObjectNode op(String operation) {
        return Json.object().put("operation", operation);
    }

    private static String required(Args a, String option) {
        return a.get(option).orElseThrow(() -> new Args.UsageException("--" + option + " is required"));
    }

    // --- the answer ------------------------------------------------------------------------------------------------

    private int print(String sub, boolean json, AdminClient.Answer answer) {
        JsonNode report = answer.report();
        boolean pending = answer.status() == 202 && report != null && "pending".equals(report.path("status").asText());
        if (pending) {
            // Accepted, not done: it waits for a second administrator. Not a refusal, so exit 0.
            if (json) {
                out.println(Json.pretty(report));
            } else {
                out.println("pending: " + report.path("operation").asText() + " by " + report.path("caller").asText()
                        + " waits for a second administrator");
                out.println("approval: " + report.path("result").path("approval").path("id").asText()
                        + " (expires " + report.path("result").path("approval").path("expires").asText() + ")");
                out.println(report.path("result").path("waitsFor").asText());
            }
            return 0;
        }
        boolean done = answer.status() == 200 && report != null && "done".equals(report.path("status").asText());
        if (json) {
            (done ? out : err).println(report == null ? answer.raw() : Json.pretty(report));
            return done ? 0 : 1;
        }
        if (!done) {
            if (answer.status() == 403) {
                err.println("refused: the function URL did not accept your signature (403): your credentials lack "
                        + "lambda:InvokeFunctionUrl on the admin function (attach AdminInvokePolicy), or your clock is off");
            } else if (report != null && report.has("error")) {
                err.println("refused: " + report.path("error").asText());
            } else {
                err.println("refused (HTTP " + answer.status() + "): " + answer.raw());
            }
            return 1;
        }
        JsonNode result = report.path("result");
        out.println(report.path("operation").asText() + " by " + report.path("caller").asText());
        switch (sub) {
            case "status" -> status(result);
            case "preview" -> preview(result);
            case "exemptions" -> exemptions(result.path("exemptions"));
            case "approvals" -> approvals(result.path("approvals"));
            default -> fields(result, "");
        }
        return 0;
    }

    private void status(JsonNode r) {
        JsonNode t = r.path("totals");
        List<List<String>> rows = new ArrayList<>();
        for (String k : List.of("members", "activeMembers", "devices", "corporateDevices", "privateDevices", "noticesSent", "quarantined")) {
            rows.add(List.of(k, t.path(k).asText()));
        }
        for (String group : List.of("devicesByState", "noticesByStage", "exemptionsByState")) {
            t.path(group).properties().forEach(e -> rows.add(List.of(group.replace("By", " by ").toLowerCase(Locale.ROOT) + ": " + e.getKey(), e.getValue().asText())));
        }
        table(List.of("total", "count"), rows);
        r.path("reports").properties().forEach(e -> out.println(e.getKey() + " report: " + e.getValue().asText()));
    }

    private void preview(JsonNode r) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode a : r.path("actions")) {
            rows.add(List.of(a.path("at").asText(), a.path("function").asText(), a.path("action").asText(),
                    a.path("member").asText("") + (a.hasNonNull("device") ? "/" + a.path("device").asText() : ""),
                    a.path("cutsAccess").asBoolean() ? "yes" : ""));
        }
        out.println("from " + r.path("from").asText() + " until " + r.path("until").asText());
        table(List.of("at", "function", "action", "member/device", "cuts access"), rows);
    }

    private void exemptions(JsonNode list) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode e : list) {
            rows.add(List.of(e.path("id").asText(), e.path("member").asText(), e.path("device").asText("(member)"), e.path("state").asText(),
                    e.path("requestedBy").asText(""), e.path("decidedBy").asText(""), e.path("expires").asText("")));
        }
        table(List.of("id", "member", "device", "state", "requested by", "decided by", "expires"), rows);
    }

    private void approvals(JsonNode list) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode a : list) {
            rows.add(List.of(a.path("id").asText(), a.path("operation").asText(), a.path("state").asText(), a.path("requestedBy").asText(),
                    a.path("expires").asText(), a.path("approvedBy").asText("")));
        }
        table(List.of("id", "operation", "state", "asked by", "expires", "approved by"), rows);
    }

    private void fields(JsonNode node, String indent) {
        if (!node.isObject()) {
            out.println(indent + node.asText());
            return;
        }
        node.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.isValueNode()) out.println(indent + e.getKey() + ": " + v.asText());
            else if (v.isArray() && v.size() > 0 && v.get(0).isObject()) {
                out.println(indent + e.getKey() + ":");
                v.forEach(item -> {
                    fields(item, indent + "  ");
                    out.println();
                });
            } else if (v.isArray()) out.println(indent + e.getKey() + ": " + String.join(", ", v.valueStream().map(JsonNode::asText).toList()));
            else {
                out.println(indent + e.getKey() + ":");
                fields(v, indent + "  ");
            }
        });
    }

    private void table(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int i = 0; i < header.size(); i++) width[i] = header.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < r.size(); i++) width[i] = Math.max(width[i], r.get(i).length());
        StringBuilder line = new StringBuilder();
        printRow(header, width);
        for (int w : width) line.append("-".repeat(w)).append("  ");
        out.println(line.toString().stripTrailing());
        rows.forEach(r -> printRow(r, width));
        if (rows.isEmpty()) out.println("(none)");
    }

    private void printRow(List<String> cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) b.append(cells.get(i)).append(" ".repeat(width[i] - cells.get(i).length() + 2));
        out.println(b.toString().stripTrailing());
    }
}
