package org.appban.notice;

import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.member;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.appban.domain.ComplianceState;
import org.appban.domain.Platform;
import org.junit.jupiter.api.Test;

/** The keys templates are checked against at load are exactly the keys a notice's model has. */
class NoticeModelKeysTest {
    @Test
    void the_declared_keys_are_the_keys_built() {
        Instant at = nz("2023-03-17T09:00");
        DueNotice n = new NoticePlanner(POLICY).due(MemberSnapshot.of(member("m-1"),
                List.of(personal("d-1", "m-1", Platform.ANDROID, "Pixel 7", ComplianceState.NONCOMPLIANT)), List.of()), at).due().get(0);
        Map<String, Object> m = new NoticeModel(POLICY, new PeopleTime(POLICY.zone(), TemplateSet.bundled().settings()))
                .build(n, new NoticeLinks(null, null), at);
        assertEquals(NoticeModel.KEYS, m.keySet());
        @SuppressWarnings("unchecked")
        Map<String, Object> device = ((List<Map<String, Object>>) m.get("devices")).get(0);
        assertEquals(NoticeModel.DEVICE_KEYS, device.keySet());
    }

    /** What may stand in a subject the ledger keeps: values of the policy and the calendar, never who the member is. */
    @Test
    void a_subject_is_on_record_only_when_it_names_no_value_about_the_member() {
        assertTrue(NoticeModel.KEYS.containsAll(NoticeModel.NOT_PERSONAL_KEYS));
        for (String personal : List.of("memberName", "memberEmail", "devices", "device", "exemptionReason", "exemptionDeviceLabel",
                "exemptionUrl", "attestationUrl")) {
            assertFalse(NoticeModel.NOT_PERSONAL_KEYS.contains(personal), personal);
        }
        com.samskivert.mustache.Mustache.Compiler c = com.samskivert.mustache.Mustache.compiler();
        assertTrue(NoticeRenderer.namesNothingPersonal(c.compile("Remove {{appName}} by {{deadlineText}}")));
        assertTrue(NoticeRenderer.namesNothingPersonal(c.compile("{{#deadlinePassed}}Overdue{{/deadlinePassed}}: {{appName}}")));
        assertFalse(NoticeRenderer.namesNothingPersonal(c.compile("{{memberName}}, remove {{appName}}")));
        assertFalse(NoticeRenderer.namesNothingPersonal(c.compile("Remove it from {{device.label}}")));
        assertFalse(NoticeRenderer.namesNothingPersonal(c.compile("Remove it from {{#devices}}{{model}}{{/devices}}")));
        assertFalse(NoticeRenderer.namesNothingPersonal(c.compile("Your link: {{attestationUrl}}")));
    }
}
