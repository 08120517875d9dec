package org.appban.notice;

import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.corporate;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.appban.domain.AppPresence;
import org.appban.domain.Device;
import org.appban.domain.Member;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.json.Json;
import org.appban.lambda.notice.NotifyMembersHandler;
import org.appban.mail.Mailer;
import org.appban.mail.MimeWriter;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;
import org.appban.work.ContinuationGate;
import org.appban.work.ContinuationJson;
import org.appban.work.WorkQueue;

/**
 * The world a daily notice round runs in, the same whichever stores hold it (in memory for {@code NotifyRoundTest},
 * the emulator's tables and a real queue for {@code NotifyRoundIT}): a roster of active members plus one who left
 * and one whose address bounced (neither is mailed), one member with a corporate device carrying the app, the
 * notify function wired to the stores with its work queue and gate, and the round's events.
 */
final class NotifyRoundWorld {
    static final String SCHEDULE = Json.write(Map.of("trigger", "schedule", "schedule", "notify-daily"));
    /** The members the round must not mail: one who left, one whose address bounced. */
    static final Set<String> NOT_MAILED = Set.of("m-900", "m-901");

    private NotifyRoundWorld() {
    }

    /** The stores a round reads and writes. */
    record Stores(MemberStore members, DeviceStore devices, ExemptionStore exemptions, Claims claims, Ledger ledger) {
    }

    static String id(int i) {
        return String.format("m-%03d", i);
    }

    /** Member {@code i}'s address; {@code tag} keeps runs that share an emulator apart (empty when none do). */
    static String address(int i, String tag) {
        return "m" + i + tag + "@example.org";
    }

    /** The address of a member by id (the active ones). */
    static String address(String id, String tag) {
        return address(Integer.parseInt(id.substring(2)), tag);
    }

    /** Saves {@code active} active members, one who left, one bounced, and member 1's corporate phone with the app. */
    static void populate(Stores stores, int active, String tag) {
        List<Member> roster = new ArrayList<>();
        for (int i = 0; i < active; i++) roster.add(Member.active(id(i), "Member " + i, address(i, tag), Role.STAFF));
        roster.add(Member.active("m-900", "Left Last Year", "left" + tag + "@example.org", Role.STAFF).deactivated());
        roster.add(Member.active("m-901", "Bounced", "bounced" + tag + "@example.org", Role.STAFF).withMailBlocked(true));
        stores.members().saveAll(roster);
        stores.devices().save(phone());
    }

    static Device phone() {
        return corporate("d-101", id(1), Platform.IOS, "iPhone 14", AppPresence.PRESENT);
    }

    /**
     * The notify function with its daily round on {@code work} (whose URL is {@code queueUrl}), cut into
     * {@code parts}; notices go to {@code mailer}, their claims held for {@code lease}.
     */
    static NotifyMembersHandler handler(Stores s, Mailer mailer, Clock clock, Duration lease, WorkQueue work, String queueUrl,
                                        int parts) {
        NoticeComposer composer = new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()), new MimeWriter(),
                (member, stage, now) -> new NoticeLinks("https://appban.example.org/exempt/" + member.id(), null));
        NotifyMembers notify = new NotifyMembers(POLICY, s.members(), s.devices(), s.exemptions(), s.claims(), s.ledger(),
                Attestations.fromLedger(s.ledger()), new NoticePlanner(POLICY), composer,
                new NoticeSender(s.claims(), s.ledger(), mailer, clock, lease,
                        org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")), clock);
        ContinuationGate gate = new ContinuationGate(NoticeRound.KIND, queueUrl, ContinuationJson.JSON, s.claims(), s.ledger(), clock);
        return new NotifyMembersHandler(notify, null, null, new NoticeRound(notify, new org.appban.work.WorkSteps(gate, work), parts, clock));
    }

    /** The continuations recorded as refused, by reason, in the order recorded. */
    static List<String> refusals(Ledger ledger) {
        return ledger.chain("fleet").stream().filter(e -> e.record().action().equals(ContinuationGate.REFUSED))
                .map(e -> e.record().outcome()).toList();
    }

    /** An SQS event of one message, as the event source mapping delivers it. */
    static String sqs(String messageId, String body) {
        return org.appban.testing.WorkEvents.sqs(messageId, body);
    }

    static JsonNode invoke(NotifyMembersHandler handler, String event, Context context) {
        return org.appban.testing.WorkEvents.invoke(handler, event, context);
    }

    /** An invocation of 15 minutes whose time is up (1 ms left) once {@code outOfTime} says so. */
    static Context context(String requestId, BooleanSupplier outOfTime) {
        return org.appban.testing.WorkEvents.context(requestId, outOfTime);
    }
}
