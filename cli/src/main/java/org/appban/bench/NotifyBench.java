package org.appban.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.MdmKind;
import org.appban.domain.Member;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.mail.MimeWriter;
import org.appban.mail.RateLimitedMailer;
import org.appban.mail.SendRateLimiter;
import org.appban.mail.SesMailer;
import org.appban.notice.Attestations;
import org.appban.notice.LinkIssuer;
import org.appban.notice.NoticeComposer;
import org.appban.notice.NoticePlanner;
import org.appban.notice.NoticeRenderer;
import org.appban.notice.NoticeSender;
import org.appban.notice.NotifyMembers;
import org.appban.notice.NotifyReport;
import org.appban.notice.TemplateSet;
import org.appban.policy.BanPolicy;
import org.appban.policy.file.PolicyLoader;
import org.appban.mail.Mailer;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import java.util.concurrent.Callable;
import org.appban.cli.support.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./appban bench notify --members N --rate R [--account-rate S]}: the announcement-day run of the bundled
 * policy for N generated members, through the real notice pipeline (planner, templates, MIME, claims, ledger) and
 * SES v2 over HTTP on the emulator, with the client's rate limit (MAX_SEND_RATE) set to R. Each notice carries its
 * signed attestation and exemption links, signed with a key read from Secrets Manager on the emulator, as on Lambda.
 *
 * <p>Prints the achieved rate against R (first to last send; target at least 0.9 R), the most requests that
 * started in any one second (never above R), the total time, the throttling retries (with {@code --account-rate}
 * below R, the emulator plays an SES account limited to S per second), and the CPU per email of this JVM (the
 * emulator's own CPU is not counted). Stores are in memory: this measures sending, not DynamoDB.
 */
@Command(name = "notify", description = {"The announcement-day notice run through SES v2 on the emulator.",
            "At MAX_SEND_RATE R, notices with signed links. Prints the achieved rate against R, the busiest second, "
                    + "throttling retries, CPU per email."})
public final class NotifyBench implements Callable<Integer> {
    @Option(names = "--members", paramLabel = "N", description = "generated members, each sent a notice (default: "
            + "${DEFAULT-VALUE})")
    private int members = 10_000;
    @Option(names = "--rate", paramLabel = "R", required = true, description = "emails per second, above 0: the client's MAX_SEND_RATE")
    private double rate;
    @Option(names = "--account-rate", paramLabel = "S", description = "the emulator plays an SES account limited to S per "
            + "second (default: no limit)")
    private int accountRate = 0;
    @Option(names = "--in-flight", paramLabel = "K", description = "sends at once (default: what the function chooses for R)")
    private int inFlight = 0;
    @Spec
    private CommandSpec spec;
    private final PrintStream out;

    public NotifyBench(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out));
    }

    public static int run(List<String> args, PrintStream out) {
        return CommandLines.call("./appban bench notify", new NotifyBench(out), args, out, out);
    }

    @Override
    public Integer call() {
        if (!(rate > 0)) throw new ParameterException(spec.commandLine(), "--rate R (emails per second, above 0) is required");
        if (members < 1) throw new ParameterException(spec.commandLine(), "--members must be at least 1");
        if (accountRate < 0) throw new ParameterException(spec.commandLine(), "--account-rate must be a whole number above 0");
        if (inFlight < 0) throw new ParameterException(spec.commandLine(), "--in-flight must be a whole number above 0");
        int inFlight = this.inFlight == 0 ? NotifyMembers.parallelismFor(rate) : this.inFlight;
        try (LocalEmulator emulator = LocalEmulator.start(out)) {
            return bench(emulator, members, rate, accountRate, inFlight, out);
        } catch (Exception e) {
            out.println("bench notify: failed: " + e);
            return 1;
        }
    }

    /** A raw message with its quoted-printable bodies decoded (soft line breaks joined, =XX bytes restored). */
    static String decodedBodies(String raw) {
        String joined = raw.replace("=\r\n", "");
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '=' && i + 2 < joined.length() && java.util.HexFormat.isHexDigit(joined.charAt(i + 1))
                    && java.util.HexFormat.isHexDigit(joined.charAt(i + 2))) {
                bytes.write(java.util.HexFormat.fromHexDigits(joined, i + 1, i + 3));
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static int bench(LocalEmulator emulator, int count, double rate, int accountRate, int inFlight, PrintStream out) {
        BanPolicy policy = new PolicyLoader().bundled(PolicyLoader.BUNDLED);
        Instant announcement = policy.announcement().atTime(policy.notices().sendTime()).atZone(policy.zone()).toInstant();
        Clock clock = Clock.fixed(announcement.plusSeconds(60), ZoneOffset.UTC);

        SesV2Client ses = emulator.clients().sesV2();
        try {
            ses.createEmailIdentity(r -> r.emailIdentity(policy.sender().address()));
        } catch (AlreadyExistsException alreadyVerified) {
            // an emulator someone else runs, used before
        }

        InMemoryMemberStore members = new InMemoryMemberStore();
        InMemoryDeviceStore devices = new InMemoryDeviceStore();
        String run = Long.toString(System.currentTimeMillis(), 36);
        for (int i = 1; i <= count; i++) {
            String id = String.format("bench-%05d", i);
            members.save(Member.active(id, "Member " + i, "bench-" + run + "-" + i + "@example.org", i % 10 == 0 ? Role.STAFF : Role.MEMBER));
            // Every third member has the app on a corporate phone, so their notice lists a device.
            if (i % 3 == 0) {
                devices.save(new Device("d-" + id, id, Ownership.CORPORATE, i % 2 == 0 ? Platform.IOS : Platform.ANDROID,
                        "Phone " + i, true, MdmKind.INTUNE, "mdm-" + i, null, AppPresence.PRESENT, ComplianceState.COMPLIANT,
                        announcement.minusSeconds(86_400), false));
            }
        }

        // The notices' links, signed as production signs them: the key read from a secret in Secrets Manager (on the
        // emulator) when the first notice is composed, an attestation link and an exemption request link in each.
        String signingArn = emulator.clients().secretsManager().createSecret(r -> r.name("appban-bench-signing-" + run)
                .secretString("{\"key\": \"" + java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32)) + "\"}")).arn();
        org.appban.signing.Signer signer = org.appban.signing.Signer.fromSecret(
                new org.appban.secrets.SecretsManagerSecretSource(emulator.clients().secretsManager()), signingArn);
        int linkDays = policy.privateDevices().attestationLinkDays();
        java.net.URI attestationUrl = java.net.URI.create("https://attestation.bench.invalid/");
        java.net.URI exemptionUrl = java.net.URI.create("https://exemption.bench.invalid/");
        LinkIssuer links = new org.appban.access.AttestationLinks(new org.appban.access.SignedLinks(signer, org.appban.access.SignedLinks.ATTESTATION),
                attestationUrl, linkDays).withExemptionLinks(new org.appban.exemption.SignedExemptionLinks(exemptionUrl,
                new org.appban.signing.SignedTokens(signer), java.time.Duration.ofDays(linkDays)));

        SlotTicker ticker = new SlotTicker();
        Mailer ses1 = accountRate > 0 ? new AccountRateGate(new SesMailer(ses, null), accountRate) : new SesMailer(ses, null);
        java.util.concurrent.atomic.AtomicInteger linked = new java.util.concurrent.atomic.AtomicInteger();
        Mailer provider = mail -> {
            String text = decodedBodies(new String(mail.mime().bytes(), java.nio.charset.StandardCharsets.UTF_8));
            if (text.contains(attestationUrl + "?t=") && text.contains(exemptionUrl + "?token=")) linked.incrementAndGet();
            return ses1.send(mail);
        };
        SendLog log = new SendLog(provider, ticker);
        RateLimitedMailer mailer = RateLimitedMailer.withDefaults(log, new SendRateLimiter(rate, ticker));
        InMemoryClaims claims = new InMemoryClaims();
        InMemoryLedger ledger = new InMemoryLedger();
        NoticeComposer composer = new NoticeComposer(policy, new NoticeRenderer(policy, TemplateSet.bundled()), new MimeWriter(), links);
        NotifyMembers notify = new NotifyMembers(policy, members, devices, new InMemoryExemptionStore(), claims, ledger,
                Attestations.fromLedger(ledger), new NoticePlanner(policy), composer,
                new NoticeSender(claims, ledger, mailer, clock, NoticeSender.DEFAULT_LEASE,
                        org.appban.ledger.Pseudonyms.withKey("appban-bench-pseudonym-key-000000000000000")), clock,
                inFlight);

        out.printf("notify bench: %d members, announcement day of %s, client rate limit R = %s/s, %d in flight%s%n", count,
                policy.id(), fmt(rate), inFlight, accountRate > 0 ? ", emulated SES account limit " + accountRate + "/s" : "");
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = os.getProcessCpuTime();
        long thread0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        NotifyReport report = notify.runScheduled(Actor.schedule("bench"), "bench-" + run);
        long elapsed = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long threadCpu = threads.getCurrentThreadCpuTime() - thread0;

        Map<String, Integer> counts = report.counts();
        int sent = counts.getOrDefault("sent", 0);
        long[] starts = log.starts();
        long[] accepted = log.accepted();
        double span = accepted.length < 2 ? 0 : (accepted[accepted.length - 1] - accepted[0]) / 1e9;
        double achieved = span == 0 ? 0 : (accepted.length - 1) / span;
        int peak = SendLog.peak(starts, 1_000_000_000L);
        int slotPeak = SendLog.peak(log.slots(), 1_000_000_000L);
        long closest = closestGap(starts);
        long[] late = lateness(log.slots(), starts);
        double allowed = Math.floor(rate + 1e-9);

        out.printf("results: %s%n", counts);
        out.printf("signed links: %d of %d notices sent carry a signed attestation link and a signed exemption link (key read from %s)%n",
                linked.get(), sent, "Secrets Manager on the emulator");
        out.printf("machine: %d cores, load average %.1f (other work on the machine delays threads past their slots)%n",
                os.getAvailableProcessors(), os.getSystemLoadAverage());
        out.printf("total time: %.1f s for the run; %.1f s from first to last send%n", elapsed / 1e9, span);
        out.printf("achieved rate: %.2f/s = %.3f R (target >= 0.9 R)%n", achieved, achieved / rate);
        out.printf("overall: %.2f emails/s including start-up = %.3f R%n", sent / (elapsed / 1e9), sent / (elapsed / 1e9) / rate);
        out.printf("most slots the rate limiter gave in any 1 s: %d (R = %s)%n", slotPeak, fmt(rate));
        out.printf("most requests started in any 1 s: %d; closest two %.1f ms apart (1/R = %.1f ms);"
                + " request start after its slot: median %.1f ms, 99th percentile %.1f ms, max %.1f ms%n",
                peak, closest / 1e6, 1000 / rate, late[late.length / 2] / 1e6, late[(int) (late.length * 0.99)] / 1e6, late[late.length - 1] / 1e6);
        out.printf("throttling retries: %d%s%n", mailer.throttleRetries(), accountRate > 0 ? "" : " (no account limit emulated; try --account-rate)");
        out.printf("CPU per email: %.2f ms (JVM process: %.1f s CPU for %d emails; sending thread %.2f ms/email)%n",
                sent == 0 ? 0 : cpu / 1e6 / sent, cpu / 1e9, sent, sent == 0 ? 0 : threadCpu / 1e6 / sent);
        // With an emulated account limit below R, the most the client can achieve is that limit.
        double target = accountRate > 0 ? Math.min(rate, accountRate) : rate;
        if (target < rate) out.printf("achievable: %d/s (the account limit); achieved %.3f of it%n", accountRate, achieved / target);
        boolean ok = sent == count && achieved >= 0.9 * target && slotPeak <= Math.max(1, allowed) && linked.get() == sent;
        out.println((ok ? "PASS: every member got one email, at >= 0.9 R, and the limiter never allowed more than R in a second"
                : "FAIL: " + (sent != count ? sent + " of " + count + " sent; " : "") + (achieved < 0.9 * target ? "below 0.9 of " + fmt(target) + "/s; " : "")
                  + (slotPeak > Math.max(1, allowed) ? "the limiter allowed more than R in some second" : ""))
                + (peak > Math.max(1, allowed) ? " (requests started late bunched to " + peak + " in one second)" : ""));
        return ok ? 0 : 1;
    }

    /** How long after its slot each request started, sorted. */
    private static long[] lateness(long[] slots, long[] starts) {
        long[] late = new long[Math.max(1, starts.length)];
        for (int i = 0; i < starts.length; i++) late[i] = Math.max(0, starts[i] - slots[i]);
        java.util.Arrays.sort(late);
        return late;
    }

    private static long closestGap(long[] unsorted) {
        long[] starts = unsorted.clone();
        java.util.Arrays.sort(starts);
        long best = Long.MAX_VALUE;
        for (int i = 1; i < starts.length; i++) best = Math.min(best, starts[i] - starts[i - 1]);
        return best == Long.MAX_VALUE ? 0 : best;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
