package org.appban.exemption;

import org.appban.testing.TestClock;
import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.appban.exemption.ExemptionFixtures.POLICY;
import static org.appban.exemption.ExemptionFixtures.corporate;
import static org.appban.exemption.ExemptionFixtures.member;
import static org.appban.exemption.ExemptionFixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.mail.MimeWriter;
import org.appban.mail.OutgoingMail;
import org.appban.notice.Attestations;
import org.appban.notice.LinkIssuer;
import org.appban.notice.NoticeComposer;
import org.appban.notice.NoticePlanner;
import org.appban.notice.NoticeRenderer;
import org.appban.notice.NoticeRequest;
import org.appban.notice.NoticeSender;
import org.appban.notice.NotifyMembers;
import org.appban.notice.TemplateSet;
import org.appban.policy.StageKind;
import org.appban.store.memory.InMemoryClaims;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/**
 * Exemption notices as NoticeRequests, handed in-process to the notify service (what the rehearsal does; on AWS
 * the requests go through the event bus): each kind is emailed once per exemption, however often it is asked for.
 */
class ExemptionNoticesTest {
    private final TestClock clock = new TestClock(nz("2023-03-20T10:00"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryDeviceStore devices = new InMemoryDeviceStore();
    private final InMemoryExemptionStore exemptions = new InMemoryExemptionStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final InMemoryClaims claims = new InMemoryClaims();
    private final List<OutgoingMail> sent = new ArrayList<>();
    private final NotifyMembers notify = new NotifyMembers(POLICY, members, devices, exemptions, claims, ledger,
            Attestations.fromLedger(ledger), new NoticePlanner(POLICY),
            new NoticeComposer(POLICY, new NoticeRenderer(POLICY, TemplateSet.bundled()), new MimeWriter(), LinkIssuer.none()),
            new NoticeSender(claims, ledger, mail -> {
                sent.add(mail);
                return "ses-" + sent.size();
            }, clock, NoticeSender.DEFAULT_LEASE, org.appban.ledger.Pseudonyms.withKey("test-pseudonym-key-00000000000000000000")), clock);
    private final List<NoticeRequest> requests = new ArrayList<>();
    private final ExemptionService service = new ExemptionService(POLICY, members, devices, exemptions, ledger,
            ExemptionNotices.asRequests(r -> {
                requests.add(r);
                notify.request(r, Actor.event("exemption-notice"), "exemption/" + r.occasion());
            }), clock);

    @Test
    void granted_expiring_and_expired_are_each_emailed_once() {
        members.save(member("m-001"));
        devices.save(corporate("d-1", "m-001", AppPresence.PRESENT));
        String id = service.request("m-001", List.of("d-1"), "committee", "r1", ExemptionFixtures.proven(CLERK)).get(0).exemption().id();
        service.grant(id, nz("2023-05-31T17:00"), null, ExemptionFixtures.proven(MANAGER));
        assertEquals(1, sent.size());
        assertEquals("m-001@parliament.govt.nz", sent.get(0).recipient().value());
        assertTrue(sent.get(0).mime().asText().contains("Subject: Your TikTok exemption is granted until"), sent.get(0).mime().asText());
        NoticeRequest granted = requests.get(0);
        assertEquals(StageKind.EXEMPTION_GRANTED, granted.kind());
        assertEquals(id, granted.exemption());
        assertEquals(id, granted.occasion());
        assertEquals("d-1", granted.device());

        notify.request(granted, Actor.event("redelivered"), "again");
        assertEquals(1, sent.size(), "a redelivered request sends nothing");

        clock.set(nz("2023-05-20T09:00"));
        service.sweep(Actor.schedule("sweep"));
        clock.set(nz("2023-06-01T09:00"));
        service.sweep(Actor.schedule("sweep"));
        service.sweep(Actor.schedule("sweep"));
        assertEquals(List.of(StageKind.EXEMPTION_GRANTED, StageKind.EXEMPTION_EXPIRING, StageKind.EXEMPTION_EXPIRED),
                requests.stream().map(NoticeRequest::kind).toList());
        assertEquals(3, sent.size());
        long sentEntries = ledger.chain("member#m-001").stream().filter(e -> e.record().action().equals("notice.sent")).count();
        assertEquals(3, sentEntries);
    }
}
