package org.appban.exemption;

import org.appban.lambda.exemption.ExemptionSweepHandler;
import org.appban.testing.TestClock;
import static org.appban.exemption.ExemptionFixtures.CLERK;
import static org.appban.exemption.ExemptionFixtures.MANAGER;
import static org.appban.exemption.ExemptionFixtures.POLICY;
import static org.appban.exemption.ExemptionFixtures.member;
import static org.appban.exemption.ExemptionFixtures.nz;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.appban.domain.Actor;
import org.appban.json.Json;
import org.appban.store.memory.InMemoryDeviceStore;
import org.appban.store.memory.InMemoryExemptionStore;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.appban.testing.ProjectLayout;
import org.appban.testing.TestContext;
import org.junit.jupiter.api.Test;

/** The daily sweep's function: its schedule event, what it reports, and what it refuses. */
class ExemptionSweepHandlerTest {
    private final TestClock clock = new TestClock(nz("2023-03-20T10:00"));
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final ExemptionFixtures.RecordedNotices notices = new ExemptionFixtures.RecordedNotices();
    private final ExemptionService service = new ExemptionService(POLICY, members, new InMemoryDeviceStore(), new InMemoryExemptionStore(),
            new InMemoryLedger(), notices, clock);
    private final ExemptionSweepHandler handler = new ExemptionSweepHandler(service);

    @Test
    void the_schedule_sample_asks_for_the_notices_due_once() throws IOException {
        members.save(member("m-001"));
        String id = service.request("m-001", List.of(), "select committee inquiry", "req-1", ExemptionFixtures.proven(CLERK)).get(0).exemption().id();
        service.grant(id, nz("2023-05-31T17:00"), null, ExemptionFixtures.proven(MANAGER));
        clock.set(nz("2023-06-01T07:00"));
        String sample = Files.readString(ProjectLayout.root().resolve("events/exemption-sweep/schedule.json"));

        JsonNode first = invoke(sample);
        assertEquals("done", first.path("status").asText(), first.toString());
        assertEquals("exemption-expired", first.path("notices").get(0).path("kind").asText());
        assertEquals("2023-05-31T05:00:00Z", first.path("notices").get(0).path("occurredAt").asText());
        assertEquals(0, invoke(sample).path("notices").size(), "a second run the same day asks for nothing");
    }

    @Test
    void anything_but_its_schedule_is_rejected_naming_the_field() {
        JsonNode manual = invoke("{\"trigger\": \"manual\"}");
        assertEquals("rejected", manual.path("status").asText());
        assertEquals("trigger", manual.path("problems").get(0).path("where").asText(), manual.toString());
        JsonNode extra = invoke("{\"trigger\": \"schedule\", \"dryRun\": true}");
        assertEquals("dryRun", extra.path("problems").get(0).path("where").asText(), extra.toString());
    }

    private JsonNode invoke(String event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, TestContext.of("req"));
            return Json.parse(out.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
