package org.appban.store.dynamo;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.appban.aws.SdkPriming;
import org.appban.domain.Actor;
import org.appban.domain.AppPresence;
import org.appban.domain.ComplianceState;
import org.appban.domain.Device;
import org.appban.domain.Exemption;
import org.appban.domain.ExemptionStatus;
import org.appban.domain.LedgerEntry;
import org.appban.domain.LedgerRecord;
import org.appban.domain.MdmKind;
import org.appban.domain.Member;
import org.appban.domain.Ownership;
import org.appban.domain.Platform;
import org.appban.domain.Role;
import org.appban.ports.Claims;
import org.appban.ports.DeviceStore;
import org.appban.ports.ExemptionStore;
import org.appban.ports.Ledger;
import org.appban.ports.MemberStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * SnapStart priming of the DynamoDB stores: each kind of record written as an item and read back, and the stores'
 * own calls (a claim taken and completed, a device saved and looked up, the tables listed, a ledger entry appended)
 * run on a client whose tables are in the JVM ({@link PrimingTables}). Nothing is sent or stored;
 * what it loads is what a restored function's first invocation otherwise loads when it first reads or writes a
 * record (the bench's count of classes loaded by a first invocation showed the item mappers and store code there).
 */
public final class StorePriming {
    private static final String TABLE = "priming";

    private StorePriming() {
    }

    /** One member with a corporate device, an exemption and a notice sent: enough for every part of a report to run. */
    public record Samples(Member member, Device device, Exemption exemption, LedgerRecord notice) {
        /** Puts the samples in the stores (the admin status priming reads them from there). */
        public void populate(MemberStore members, DeviceStore devices, ExemptionStore exemptions, Ledger ledger) {
            members.save(member);
            devices.save(device);
            exemptions.create(exemption);
            ledger.append(notice);
        }
    }

    public static Samples samples(Instant at) {
        Member member = new Member("priming-member", "Priming", "priming@priming.invalid", Role.MEMBER, true, false);
        Device device = new Device("intune:00000000-0000-4000-8000-000000000001", member.id(), Ownership.CORPORATE, Platform.IOS, "iPhone",
                true, MdmKind.INTUNE, "00000000-0000-4000-8000-000000000001", org.appban.domain.MacAddress.parse("02:00:00:00:00:01"), AppPresence.PRESENT,
                ComplianceState.COMPLIANT, at, false);
        Exemption exemption = new Exemption("priming-exemption", member.id(), device.id(), "priming", ExemptionStatus.GRANTED, "priming",
                at.minus(Duration.ofDays(1)), "priming", at.minus(Duration.ofHours(1)), at.plus(Duration.ofDays(30)), null, null);
        LedgerRecord notice = new LedgerRecord(at, Actor.schedule("priming"), member.id(), null, "notice.sent", "ok", false,
                "priming/notice", Map.of("stage", "announcement"));
        return new Samples(member, device, exemption, notice);
    }

    /**
     * The production stores over tables of their own in the JVM ({@link PrimingTables}), for a priming run of a
     * service: what it writes it reads back, as from DynamoDB, and nothing leaves the process. Closing them drops the
     * tables.
     */
    public record Stores(DynamoDbClient client, DynamoMemberStore members, DynamoDeviceStore devices, DynamoExemptionStore exemptions,
                         DynamoLedger ledger, DynamoClaims claims, DynamoEvidenceStore evidence) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    /** @param retention the evidence store's, as the function's (the policy's quiet period) */
    public static Stores stores(Duration retention) {
        DynamoDbClient dynamo = PrimingTables.client();
        return new Stores(dynamo, new DynamoMemberStore(dynamo, PrimingTables.MEMBERS), new DynamoDeviceStore(dynamo, PrimingTables.DEVICES),
                new DynamoExemptionStore(dynamo, PrimingTables.EXEMPTIONS), new DynamoLedger(dynamo, PrimingTables.LEDGER),
                new DynamoClaims(dynamo, PrimingTables.CLAIMS), new DynamoEvidenceStore(dynamo, PrimingTables.EVIDENCE, retention));
    }

    /** The item mappers and the stores' calls, on samples written and read back; throws what a store throws (priming logs it). */
    public static void run() {
        Instant at = Instant.parse("2024-01-01T00:00:00Z");
        Samples s = samples(at);
        MemberItems.fromItem(MemberItems.toItem(s.member()), TABLE);
        DeviceItems.fromItem(DeviceItems.toItem(s.device()), TABLE);
        ExemptionItems.fromItem(ExemptionItems.toItem(s.exemption()), TABLE);
        LedgerEntry entry = new LedgerEntry("member#" + s.member().id(), 1, s.notice(), "0".repeat(64), "0".repeat(64));
        LedgerItems.fromItem(LedgerItems.toItem(entry), TABLE);
        LedgerItems.marker(s.notice().idempotencyKey(), entry);
        ClaimItems.fromItem(ClaimItems.toItem(new Claims.State("priming", "priming", at.plusSeconds(300), true, "ok", at)), TABLE);
        try (Stores stores = stores(Duration.ofDays(30))) {
            s.populate(stores.members(), stores.devices(), stores.exemptions(), stores.ledger());
            DynamoClaims claims = stores.claims();
            claims.claim("priming", "priming", at, Duration.ofMinutes(5));
            claims.complete("priming", "priming", "ok", at);
            claims.claim("priming", "priming", at, Duration.ofMinutes(5));
            claims.states(java.util.List.of("priming"));
            DynamoDeviceStore devices = stores.devices();
            devices.find(s.device().id());
            devices.findAll(java.util.List.of(s.device().id()));
            devices.idsWithMac(s.device().macAddress() != null ? s.device().macAddress() : org.appban.domain.MacAddress.parse("02:00:00:00:00:01"));
            devices.ofOwner(s.member().id());
            devices.all();
            stores.members().all();
            stores.members().find(s.member().id());
            DynamoExemptionStore exemptions = stores.exemptions();
            exemptions.all();
            exemptions.ofMember(s.member().id());
            exemptions.find(s.exemption().id());
            DynamoEvidenceStore evidence = stores.evidence();
            evidence.records(java.util.List.of(s.device().id()));
            evidence.latestSightings(java.util.List.of(s.device().id()));
            DynamoLedger ledger = stores.ledger();
            ledger.append(s.notice());
            ledger.byIdempotencyKey(s.notice().idempotencyKey());
            ledger.usedKeys(java.util.List.of(s.notice().idempotencyKey()));
            ledger.chain(entry.chain());
            ledger.chainsNamed(java.util.List.of(entry.chain(), "device#" + s.device().id()));
            ledger.heads();
            ledger.chains();
            ledger.aboutDevice(s.device().id());
            // The counters: the notice's append moved them; the status request reads them, a reconciliation corrects them.
            ledger.tally();
            ledger.correctTally(java.util.Map.of(), at);
        }
    }
}
