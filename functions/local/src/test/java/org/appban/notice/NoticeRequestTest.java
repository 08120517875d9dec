package org.appban.notice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.appban.input.InvalidInputException;
import org.appban.policy.StageKind;
import org.junit.jupiter.api.Test;

class NoticeRequestTest {
    private static JsonNode json(String text) throws Exception {
        return new ObjectMapper().readTree(text);
    }

    @Test
    void a_well_formed_request_is_read() throws Exception {
        NoticeRequest r = NoticeRequestJson.parse(json("""
                {"kind":"access-revoked","member":"m-1","device":"d-17","occurredAt":"2023-04-07T09:05+12:00",
                 "occasion":"nac/quarantine/d-17/2023-04-07"}"""), "event");
        assertEquals(StageKind.ACCESS_REVOKED, r.kind());
        assertEquals(Instant.parse("2023-04-06T21:05:00Z"), r.occurredAt());
        assertEquals("d-17", r.device());
    }

    @Test
    void every_problem_is_named_with_its_field() throws Exception {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NoticeRequestJson.parse(json("""
                {"kind":"access-revokd","occurredAt":"yesterday","occasion":"x","colour":"red"}"""), "event 42"));
        String m = e.getMessage();
        assertTrue(m.startsWith("event 42: "), m);
        assertTrue(m.contains("kind: 'access-revokd' is not an event-driven notice kind"), m);
        assertTrue(m.contains("member: is required"), m);
        assertTrue(m.contains("occurredAt: 'yesterday' is not a date-time with an offset"), m);
        assertTrue(m.contains("colour: unknown field"), m);
    }

    @Test
    void a_scheduled_stage_cannot_be_requested() throws Exception {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NoticeRequestJson.parse(json("""
                {"kind":"reminder","member":"m-1","occurredAt":"2023-04-07T09:05+12:00","occasion":"x"}"""), "event"));
        assertTrue(e.getMessage().contains("scheduled stage"), e.getMessage());
    }

    @Test
    void the_facts_a_kind_needs_are_required() throws Exception {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NoticeRequestJson.parse(json("""
                {"kind":"exemption-granted","member":"m-1","occurredAt":"2023-04-07T09:05+12:00","occasion":"x-1"}"""), "event"));
        assertTrue(e.getMessage().contains("exemption-granted needs the exemption it is about"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> NoticeRequestJson.parse(json("""
                {"kind":"access-restored","member":"m-1","occurredAt":"2023-04-07T09:05+12:00","occasion":"bad occasion\\n"}"""), "event"));
        assertTrue(e.getMessage().contains("occasion must be"), e.getMessage());
    }
}
