package org.appban.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.input.InvalidInputException;
import org.junit.jupiter.api.Test;

class RosterParserTest {
    private final RosterParser parser = new RosterParser();

    private ParsedRoster csv(String text) {
        return parser.parse("roster.csv", text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void reads_a_csv_roster_with_quoted_fields_and_macrons() {
        ParsedRoster r = csv("""
                id,name,email,role
                m1,"Rāwiri Tūhoe, MP",Rawiri.Tuhoe@parliament.govt.nz,member
                s1,Ana Smith,ana@parliament.govt.nz,staff
                """);
        assertEquals(List.of(), r.rejected());
        assertEquals(new Member("m1", "Rāwiri Tūhoe, MP", "rawiri.tuhoe@parliament.govt.nz", Role.MEMBER, true, false), r.members().get(0));
        assertEquals(Role.STAFF, r.members().get(1).role());
    }

    @Test
    void rejects_bad_rows_with_their_line_numbers_and_keeps_the_good_ones() {
        ParsedRoster r = csv("""
                id,name,email,role
                m1,Ana,ana@example.org,member
                m2,Ben,not-an-email,member
                m3,Cy,cy@example.org,janitor
                m1,Ana Again,ana2@example.org,member
                m4,,dee@example.org,staff
                m5,Eve,eve@example.org,staff
                """);
        assertEquals(List.of("m1", "m5"), r.members().stream().map(Member::id).toList());
        assertEquals(List.of(3, 4, 5, 6), r.rejected().stream().map(RejectedRow::line).toList());
        assertTrue(r.rejected().get(0).reason().contains("malformed email"));
        assertFalse(r.rejected().get(0).reason().contains("not-an-email"), "the reason goes to the ledger: no address in it");
        assertTrue(r.rejected().get(1).reason().contains("unknown role 'janitor'"));
        assertTrue(r.rejected().get(2).reason().contains("duplicate id 'm1' (first on line 2)"));
        assertTrue(r.rejected().get(3).reason().contains("missing name"));
    }

    @Test
    void a_line_break_inside_a_quoted_field_is_rejected_and_the_line_count_stays_right() {
        ParsedRoster r = csv("id,name,email,role\nm1,\"Evil\r\nBcc: x@y.z\",e@example.org,member\nm2,Good,g@example.org,staff\n");
        assertEquals(List.of("m2"), r.members().stream().map(Member::id).toList());
        assertEquals(2, r.rejected().get(0).line());
        assertTrue(r.rejected().get(0).reason().contains("line break"));
        assertTrue(r.rejectedIds().contains("m1"));
    }

    @Test
    void rows_with_the_wrong_number_of_fields_are_rejected() {
        ParsedRoster r = csv("id,name,email,role\nm1,Ana,ana@example.org\nm2,Ben,ben@example.org,staff\n");
        assertEquals(1, r.rejected().size());
        assertTrue(r.rejected().get(0).reason().contains("has 3 fields, the header has 4"));
    }

    @Test
    void reads_a_json_roster_and_rejects_unknown_fields_per_row() {
        String json = """
                {"members": [
                  {"id": "m1", "name": "Ana", "email": "ana@example.org", "role": "member"},
                  {"id": "m2", "name": "Ben", "email": "ben@example.org", "role": "staff", "salary": "x"},
                  {"id": "m3", "name": "Cy", "email": "cy@example.org", "role": "staff", "active": false}
                ]}
                """;
        ParsedRoster r = parser.parse("roster.json", json.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("m1", "m3"), r.members().stream().map(Member::id).toList());
        assertEquals(false, r.members().get(1).active());
        assertEquals(3, r.rejected().get(0).line());
        assertTrue(r.rejected().get(0).reason().contains("unknown field 'salary'"));
    }

    @Test
    void a_file_without_the_required_header_is_rejected_whole() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> csv("id,name,mail,role\nm1,a,a@b.cd,member\n"));
        assertTrue(e.getMessage().contains("header has no 'email' column"), e.getMessage());
    }

    @Test
    void invalid_utf8_is_rejected_whole() {
        byte[] bytes = {'i', 'd', ',', (byte) 0xC3, (byte) 0x28};
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parser.parse("roster.csv", bytes));
        assertTrue(e.getMessage().contains("not valid UTF-8"));
    }
}
