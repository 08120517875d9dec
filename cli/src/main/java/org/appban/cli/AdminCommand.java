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
import java.util.LinkedHashSet;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.appban.cli.support.CommandLines;
import org.appban.cli.support.UsageException;
import org.appban.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
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
 *
 * <p>Each subcommand is a picocli command that builds its admin request; this class sends it and prints the answer.
 * The options that say where and as whom ({@code --stack}, {@code --url}, {@code --region}, {@code --profile},
 * {@code --json}) go before or after the subcommand, as they always did.
 */
@Command(name = "admin", synopsisSubcommandLabel = "SUBCOMMAND",
        subcommands = {AdminCommand.Status.class, AdminCommand.Tally.class, AdminCommand.Preview.class, AdminCommand.Exemptions.class, AdminCommand.Request.class,
                AdminCommand.Grant.class, AdminCommand.Refuse.class, AdminCommand.Revoke.class, AdminCommand.Sweep.class,
                AdminCommand.Killswitch.class, AdminCommand.Ledger.class, AdminCommand.Enforce.class, AdminCommand.Access.class,
                AdminCommand.Resend.class, AdminCommand.Unblock.class, AdminCommand.Roster.class, AdminCommand.Approvals.class, AdminCommand.Approve.class},
        description = {"Administers a deployed stack through its admin function URL, signed as you.",
            "Calls the admin function through its function URL, signed (SigV4) with your own AWS credentials: the function "
                    + "sees who you are, checks the policy's administrators and approvers, and the ledger records you. --stack finds "
                    + "the URL in the stack's output AdminFunctionUrl; --profile picks a profile of your AWS config (default: the "
                    + "SDK's credential chain, e.g. aws sso login). Tables by default, --json for the function's report as it is. "
                    + "Exit codes: 0 done, 1 refused, 2 usage."},
        footer = "Under the policy's two-person rule, turning the kill switch off and long exemptions answer \"pending\" with "
                + "an approval id; they happen once a different administrator runs: ./appban admin ... approve APPROVAL-ID")
final class AdminCommand implements Callable<Integer> {
    static final String OUTPUT = "AdminFunctionUrl";
    private static final Pattern URL_REGION = Pattern.compile("^[a-z0-9]+\\.lambda-url\\.([a-z0-9-]+)\\.on\\.aws$");

    @Option(names = "--stack", paramLabel = "NAME", scope = ScopeType.INHERIT, description = "the deployed stack (its output AdminFunctionUrl)")
    private String stack;
    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT, description = "the admin function URL itself (instead of --stack)")
    private String url;
    @Option(names = "--region", paramLabel = "REGION", scope = ScopeType.INHERIT,
            description = "the stack's region (default: the URL's, else AWS_REGION or your profile's)")
    private String region;
    @Option(names = "--profile", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "a profile of your AWS config to sign with (default: the SDK's credential chain)")
    private String profile;
    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print the function's report as it is, not as a table")
    private boolean json;

    /** The subcommands' names, for the README and the tests that run each one's --help. */
    static Set<String> subcommands() {
        Set<String> names = new LinkedHashSet<>();
        for (Class<?> c : AdminCommand.class.getAnnotation(Command.class).subcommands()) names.add(c.getAnnotation(Command.class).name());
        return names;
    }

    /** One subcommand: the admin request it sends. */
    abstract static class Sub implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        abstract ObjectNode request();

        @Override
        public Integer call() {
            CommandSpec s = spec.parent();
            while (!(s.userObject() instanceof AdminCommand)) s = s.parent();
            // The top subcommand's name decides how the answer prints (admin ledger verify prints as ledger).
            CommandSpec top = spec;
            while (top.parent().userObject() != s.userObject()) top = top.parent();
            return ((AdminCommand) s.userObject()).send(top.name(), request());
        }
    }

    @Command(name = "status", description = {"Campaign totals.",
            "From the campaign's counters, a few items whatever its size (notices by stage, removals, quarantines, "
                    + "releases, devices off the network, escalations, exemption decisions). --export also reads the whole "
                    + "campaign and writes the JSON and CSV status report to the reports bucket (members, devices by state, "
                    + "one row per member and device)."})
    static final class Status extends Sub {
        @Option(names = "--export", description = "read the whole campaign and write the full report to the reports bucket")
        boolean export;
        @Option(names = "--members", description = "as --export, and add each member's line to the answer")
        boolean members;

        ObjectNode request() {
            ObjectNode r = op("status").put("includeMembers", members);
            if (export) r.put("export", true);
            return r;
        }
    }

    @Command(name = "tally", description = {"Reconcile the campaign's counters with the ledger.",
            "Recounts every ledger chain and reports where the counters differ (drift); with --repair corrects them, "
                    + "unless they moved during the recount (run it again when the campaign is quiet). Reads the whole "
                    + "ledger: after an upgrade, or to audit the counters."})
    static final class Tally extends Sub {
        @Option(names = "--repair", description = "correct the drift found")
        boolean repair;

        ObjectNode request() {
            return op("tally.check").put("repair", repair);
        }
    }

    @Command(name = "preview", description = {"What each function would do, to whom, over the coming days.",
            "Changes nothing."})
    static final class Preview extends Sub {
        @Option(names = "--days", paramLabel = "N", description = "how many days ahead (default: 14)")
        Integer days;
        @Option(names = "--from", paramLabel = "DATE-TIME", description = "from when, a date-time with offset (default: now)")
        String from;

        ObjectNode request() {
            return optional(optional(op("preview"), "days", days), "from", from);
        }
    }

    @Command(name = "exemptions", description = "list exemptions (by member, by state), newest request first")
    static final class Exemptions extends Sub {
        @Mixin
        OneMember member;
        @Option(names = "--state", paramLabel = "STATE", description = "requested, active, expired, refused or revoked")
        String state;

        ObjectNode request() {
            return optional(member.narrow(op("exemption.list")), "state", state);
        }
    }

    /** An optional {@code --member}: what exemptions and ledger export narrow to one member. */
    static final class OneMember {
        @Option(names = "--member", paramLabel = "ID", description = "only this member's")
        String member;

        ObjectNode narrow(ObjectNode request) {
            return optional(request, "member", member);
        }
    }

    @Command(name = "request", description = {"Ask for an exemption on a member's behalf (the whole member, or the listed "
            + "devices).",
            "You are the requester, so another approver must decide it."})
    static final class Request extends Sub {
        @Option(names = "--member", paramLabel = "ID", required = true, description = "the member")
        String member;
        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why")
        String reason;
        @Option(names = "--devices", paramLabel = "ID,ID", description = "only these devices (default: the whole member)")
        String devices;
        @Option(names = "--request-id", paramLabel = "ID", description = "a repeated id finds the same request (safe to retry)")
        String requestId;

        ObjectNode request() {
            ObjectNode o = op("exemption.request").put("member", member).put("reason", reason);
            if (devices != null) ids(o, "devices", devices);
            return optional(o, "requestId", requestId);
        }
    }

    @Command(name = "grant", description = "grant a requested exemption until a date (approvers only, never the requester or "
            + "the member), within the policy's maximum")
    static final class Grant extends Sub {
        @Parameters(paramLabel = "EXEMPTION-ID", description = "the requested exemption")
        String id;
        @Option(names = "--expires", paramLabel = "DATE-TIME", required = true, description = "until when, a date-time with offset")
        String expires;
        @Option(names = "--note", paramLabel = "TEXT", description = "a note for the record")
        String note;

        ObjectNode request() {
            return optional(op("exemption.grant").put("id", id).put("expires", expires), "note", note);
        }
    }

    @Command(name = "refuse", description = "refuse a requested exemption (approvers only)")
    static final class Refuse extends Sub {
        @Mixin
        Decision decision;

        ObjectNode request() {
            return decision.request("exemption.refuse");
        }
    }

    @Command(name = "revoke", description = "revoke a granted exemption at once (approvers only)")
    static final class Revoke extends Sub {
        @Mixin
        Decision decision;

        ObjectNode request() {
            return decision.request("exemption.revoke");
        }
    }

    /** What an approver's decision on an exemption names: refuse and revoke take the same two. */
    static final class Decision {
        @Parameters(paramLabel = "EXEMPTION-ID", description = "the exemption to ${COMMAND-NAME}")
        String id;
        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why")
        String reason;

        ObjectNode request(String operation) {
            return op(operation).put("id", id).put("reason", reason);
        }
    }

    @Command(name = "sweep", description = {"Ask for the exemption notices that are due (expiring, expired).",
            "The daily schedule does the same."})
    static final class Sweep extends Sub {
        ObjectNode request() {
            return op("exemption.sweep");
        }
    }

    @Command(name = "killswitch", description = {"Engage (on) or release (off) the kill switch.",
            "While it is on, no MDM removal and no network quarantine runs."})
    static final class Killswitch extends Sub {
        @Parameters(paramLabel = "on|off", description = "on engages, off releases")
        String state;
        @Option(names = "--reason", paramLabel = "TEXT", required = true, description = "why")
        String reason;

        ObjectNode request() {
            if (!state.equals("on") && !state.equals("off")) throw new UsageException("killswitch takes on or off, found '" + state + "'");
            return op("killswitch." + state).put("reason", reason);
        }
    }

    @Command(name = "ledger", synopsisSubcommandLabel = "verify|export", subcommands = {Ledger.Verify.class, Ledger.Export.class},
            description = "verify the ledger's hash chains, or export a member's or device's entries")
    static final class Ledger implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new UsageException("ledger takes verify or export");
        }

        @Command(name = "verify", description = "checks the ledger's hash chains (all, or one) and names the first break")
        static final class Verify extends Sub {
            @Option(names = "--chain", paramLabel = "CHAIN", description = "only this chain (default: every chain)")
            String chain;
            @Option(names = "--from", paramLabel = "FROM", description = "the digests to check against: checkpoint (default: the "
                    + "latest full digest on), start (every digest ever written) or a full digest's number")
            String from;

            ObjectNode request() {
                return optional(optional(op("ledger.verify"), "chain", chain), "from", from);
            }
        }

        @Command(name = "export", description = "writes a member's or device's entries to the reports bucket")
        static final class Export extends Sub {
            @Mixin
            OneMember member;
            @Option(names = "--device", paramLabel = "ID", description = "only this device's")
            String device;

            ObjectNode request() {
                return optional(member.narrow(op("ledger.export")), "device", device);
            }
        }
    }

    /** What a manual run applies to, and whether it runs: the options enforce and access share. */
    abstract static class ManualRun extends Sub {
        @Option(names = "--members", paramLabel = "ID,ID", description = "these members' devices")
        String members;
        @Option(names = "--devices", paramLabel = "ID,ID", description = "these devices")
        String devices;
        @Option(names = "--confirm", paramLabel = "N", description = "agree to N past the blast-radius cap (a second "
                + "administrator's approval under the two-person rule)")
        Integer confirm;
        @Option(names = "--run", description = "run it (default: a dry run, which says what it would do)")
        boolean run;

        void scope(ObjectNode request) {
            if (members != null) ids(request, "members", members);
            if (devices != null) ids(request, "devices", devices);
        }

        ObjectNode manual(String operation, ObjectNode request) {
            return handOn(operation, optional(request.put("dryRun", !run), "confirm", confirm));
        }
    }

    @Command(name = "enforce", description = {"A manual enforce-removal run (dry run unless --run), handed on as you.",
            "Removal of the app from corporate devices; the admin function records who asked and hands the run on."})
    static final class Enforce extends ManualRun {
        @Option(names = "--all", description = "every device in scope")
        boolean all;

        ObjectNode request() {
            ObjectNode r = Json.object().put("request", "enforce");
            scope(r);
            if (all) r.put("all", true);
            return manual("enforce.run", r);
        }
    }

    @Command(name = "access", description = {"A manual network-access run (dry run unless --run), handed on as you.",
            "Network access for private devices, the whole fleet unless --members or --devices."})
    static final class Access extends ManualRun {
        @Parameters(paramLabel = "reconcile|quarantine|release", description = "what to do")
        String action;

        ObjectNode request() {
            if (!List.of("reconcile", "quarantine", "release").contains(action)) {
                throw new UsageException("access takes reconcile, quarantine or release, found '" + action + "'");
            }
            ObjectNode r = Json.object().put("action", action);
            scope(r);
            return manual("access.run", r);
        }
    }

    @Command(name = "resend", description = {"Send a member a notice stage again (forced, with a reason), handed on as you.",
            "Sends a scheduled notice stage to one member again, whatever was sent before, through notify-members; the "
                    + "ledger records you and the reason. A repeated --request-id sends once at most."})
    static final class Resend extends Sub {
        @Mixin
        MemberDecision decision;
        @Option(names = "--stage", required = true, paramLabel = "STAGE-ID", description = "the policy's notice stage to send again")
        String stage;
        @Option(names = "--request-id", paramLabel = "ID", description = "an id of yours: repeated, it sends once at most")
        String requestId;

        ObjectNode request() {
            ObjectNode r = decision.request("resend").put("stage", stage).put("force", true);
            return handOn("notify.run", optional(r, "requestId", requestId));
        }
    }

    @Command(name = "unblock", description = {"Let mail reach a member whose address bounced or complained, handed on as you.",
            "Once what bounced is fixed, through notify-members; the ledger records you and the reason."})
    static final class Unblock extends Sub {
        @Mixin
        MemberDecision decision;

        ObjectNode request() {
            return handOn("notify.run", decision.request("unblock"));
        }
    }

    /** What an administrator's decision on a member's mail names: resend and unblock take the same two. */
    static final class MemberDecision {
        @Parameters(paramLabel = "MEMBER-ID", description = "the member")
        String member;
        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why (recorded in the ledger)")
        String reason;

        /** The notify-members request, with the member and the reason in the order it reads them. */
        ObjectNode request(String action) {
            return Json.object().put("action", action).put("member", member).put("reason", reason);
        }
    }

    @Command(name = "roster", description = {"Import a roster object again (dry run unless --run), handed on as you.",
            "Imports a roster object of the roster bucket again through roster-import. --confirm N lets it deactivate up to N "
                    + "members past the limit one import may (a second administrator's approval under the two-person rule)."})
    static final class Roster extends Sub {
        @Parameters(index = "0", paramLabel = "BUCKET", description = "the roster bucket")
        String bucket;
        @Parameters(index = "1", paramLabel = "KEY", description = "the roster object's key")
        String key;
        @Option(names = "--confirm", paramLabel = "N", description = "agree to N deactivations past the limit")
        Integer confirm;
        @Option(names = "--run", description = "run it (default: a dry run, which says what it would do)")
        boolean run;

        ObjectNode request() {
            return handOn("roster.run", optional(Json.object().put("bucket", bucket).put("key", key).put("dryRun", !run), "confirm", confirm));
        }
    }

    /** An administrator's request handed on to another function, with one id per command (a retried call finds the same authorisation). */
    private static ObjectNode handOn(String operation, ObjectNode request) {
        ObjectNode o = op(operation);
        o.set("request", request);
        o.put("requestId", "cli-" + java.util.UUID.randomUUID());
        return o;
    }

    @Command(name = "approvals", description = "requests waiting for a second administrator (the two-person rule, "
            + "administration.secondApproval), or given, or past")
    static final class Approvals extends Sub {
        @Option(names = "--state", paramLabel = "STATE", description = "pending, approved or expired (default: ${DEFAULT-VALUE})")
        String state = "pending";

        ObjectNode request() {
            return op("approval.list").put("state", state);
        }
    }

    @Command(name = "approve", description = "give the second approval of another administrator's request (never your own), "
            + "which carries it out in your name, with theirs on record")
    static final class Approve extends Sub {
        @Parameters(paramLabel = "APPROVAL-ID", description = "the pending request's approval id")
        String id;

        ObjectNode request() {
            return op("approval.approve").put("id", id);
        }
    }

    private final PrintStream out;
    private final PrintStream err;
    private final Function<Optional<String>, AwsCredentialsIdentity> credentials;
    private final StackOutputs stacks;
    private final Clock clock;

    /** Where a stack's outputs come from (CloudFormation; a fake in tests). */
    interface StackOutputs {
        /** @param credentials the caller's own (the same --profile or default chain that signs the requests) */
        Map<String, String> outputs(String stack, String region, AwsCredentialsIdentity credentials);
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

    /** {@code admin ARGS...} on its own (tests): as {@code ./appban admin ARGS...}, but what the run throws reaches the caller. */
    int run(List<String> argv) {
        return CommandLines.call("./appban admin", this, argv, out, err);
    }

    /** {@code ./appban admin} without a subcommand. */
    @Override
    public Integer call() {
        throw new UsageException("admin needs a subcommand");
    }

    private int send(String name, ObjectNode request) {
        URI url = url();
        String region = region(url);
        AdminClient.Answer answer;
        try {
            answer = new AdminClient(url, region, credentials.apply(Optional.ofNullable(profile)), clock).call(request);
        } catch (IOException e) {
            err.println("appban admin: could not reach " + url + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return print(name, json, answer);
    }

    private URI url() {
        if ((url != null) == (stack != null)) throw new UsageException("name the stack (--stack NAME) or the admin function URL (--url URL), one of them");
        if (url != null) {
            try {
                URI u = URI.create(url);
                if (u.getScheme() == null || u.getHost() == null) throw new IllegalArgumentException("no scheme or host");
                return u;
            } catch (IllegalArgumentException e) {
                throw new UsageException("--url '" + url + "' is not a URL: " + e.getMessage());
            }
        }
        String region = this.region != null ? this.region : defaultRegion();
        Map<String, String> outputs;
        try {
            outputs = stacks.outputs(stack, region, credentials.apply(Optional.ofNullable(profile)));
        } catch (software.amazon.awssdk.services.cloudformation.model.CloudFormationException e) {
            // "Stack with id X does not exist", or access denied: the caller's to correct, not a crash.
            throw new UsageException("stack " + stack + " in " + region + ": " + e.awsErrorDetails().errorMessage());
        }
        String found = outputs.get(OUTPUT);
        if (found == null) throw new UsageException("stack " + stack + " has no output " + OUTPUT + " (outputs: " + outputs.keySet() + ")");
        return URI.create(found);
    }

    private String region(URI url) {
        if (region != null) return region;
        Matcher m = URL_REGION.matcher(url.getHost());
        if (m.matches()) return m.group(1);
        return defaultRegion();
    }

    private static String defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (RuntimeException e) {
            throw new UsageException("no AWS region: pass --region (or set AWS_REGION, or a region in your profile)");
        }
    }

    private static AwsCredentialsIdentity sdkCredentials(Optional<String> profile) {
        return profile.<AwsCredentialsIdentity>map(p -> ProfileCredentialsProvider.create(p).resolveCredentials())
                .orElseGet(() -> DefaultCredentialsProvider.builder().build().resolveCredentials());
    }

    /** The stack's outputs, asked of CloudFormation as the caller (the SDK's endpoint settings apply, e.g. AWS_ENDPOINT_URL). */
    static Map<String, String> cloudFormationOutputs(String stack, String region, AwsCredentialsIdentity credentials) {
        try (CloudFormationClient cfn = CloudFormationClient.builder().region(Region.of(region))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsCredentials.class.isInstance(credentials)
                                ? (software.amazon.awssdk.auth.credentials.AwsCredentials) credentials : copy(credentials)))
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            Map<String, String> outputs = new LinkedHashMap<>();
            for (Output o : cfn.describeStacks(r -> r.stackName(stack)).stacks().get(0).outputs()) outputs.put(o.outputKey(), o.outputValue());
            return outputs;
        }
    }

    private static software.amazon.awssdk.auth.credentials.AwsCredentials copy(AwsCredentialsIdentity c) {
        return c instanceof software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity s
                ? software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(s.accessKeyId(), s.secretAccessKey(), s.sessionToken())
                : software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey());
    }

    private static ObjectNode op(String operation) {
        return Json.object().put("operation", operation);
    }

    /** {@code request} with {@code field} set to {@code value} when the option was given. */
    private static ObjectNode optional(ObjectNode request, String field, Object value) {
        if (value instanceof Integer n) request.put(field, n);
        else if (value != null) request.put(field, value.toString());
        return request;
    }

    /** A comma-separated option as the list of ids it names. */
    private static void ids(ObjectNode request, String field, String value) {
        var list = request.putArray(field);
        for (String id : value.split(",")) if (!id.isBlank()) list.add(id.strip());
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
        JsonNode counters = r.path("counters");
        out.println("counters: " + counters.path("state").asText() + " (" + counters.path("note").asText() + ")");
        JsonNode c = counters.path("counted");
        if (c.isObject()) {
            List<List<String>> counted = new ArrayList<>();
            for (String k : List.of("noticesSent", "removed", "quarantined", "restored", "offNetwork", "escalated")) counted.add(List.of(k, c.path(k).asText()));
            for (String group : List.of("noticesByStage", "noticesByKind", "exemptions")) {
                c.path(group).properties().forEach(e -> counted.add(List.of(group.replace("By", " by ").toLowerCase(Locale.ROOT) + ": " + e.getKey(), e.getValue().asText())));
            }
            table(List.of("counted", "count"), counted);
        }
        if (!r.has("totals")) return;
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
