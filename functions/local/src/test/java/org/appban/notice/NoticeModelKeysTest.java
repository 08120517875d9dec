package org.appban.notice;

import static org.appban.notice.Fixtures.POLICY;
import static org.appban.notice.Fixtures.member;
import static org.appban.notice.Fixtures.nz;
import static org.appban.notice.Fixtures.personal;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
