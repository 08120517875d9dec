package org.appban.roster;

import org.appban.lambda.roster.RosterImportHandler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.appban.domain.Member;
import org.appban.domain.Role;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.store.memory.InMemoryLedger;
import org.appban.store.memory.InMemoryMemberStore;
import org.junit.jupiter.api.Test;

/**
 * Rosters as they arrive in practice (issue 23): the same person twice under another letter case, JSON that is not
 * the strict kind, files refused as a whole, objects gone, and rosters too large for one invocation.
 */
class RosterBadInputTest {
    private static final String HEADER = "id,name,email,role\n";
    private final RosterParser parser = new RosterParser();
    private final InMemoryMemberStore members = new InMemoryMemberStore();
    private final InMemoryLedger ledger = new InMemoryLedger();
    private final Map<String, RosterFiles.RosterFile> objects = new HashMap<>();
    private final List<RosterContinuation> handedOn = new ArrayList<>();
    private final RosterImport rosterImport = new RosterImport(parser, members, ledger, Clock.fixed(Instant.parse("2023-03-16T19:00:00Z"), ZoneOffset.UTC));

    private ParsedRoster parse(String text) {
        return parser.parse("roster.csv", text.getBytes(StandardCharsets.UTF_8));
    }

    // One person, one member

    @Test
    void a_mailbox_twice_in_another_letter_case_rejects_the_later_row_naming_the_earlier() {
        ParsedRoster r = parse(HEADER + "m1,Ana Ngata,ana@example.org,member\nm2,Ana N,ANA@Example.org,staff\n");
        assertEquals(List.of("m1"), r.members().stream().map(Member::id).toList());
        assertEquals("line 3 (id m2): the mailbox is already on line 2 (member 'm1'; mailboxes are compared ignoring case):"
                + " one person, one member", r.rejected().get(0).toString());
    }

    @Test
    void ids_that_differ_only_in_case_are_one_member_and_the_later_row_is_rejected() {
        ParsedRoster r = parse(HEADER + "M-7,Ana Ngata,ana@example.org,member\nm-7,Bo Li,bo@example.org,staff\n");
        assertEquals(List.of("M-7"), r.members().stream().map(Member::id).toList());
        assertEquals("line 3 (id m-7): duplicate id 'm-7' ('M-7' on line 2; ids are compared ignoring case)", r.rejected().get(0).toString());
    }

    @Test
    void a_row_naming_a_stored_member_in_another_letter_case_updates_that_member_rather_than_adding_a_second() {
        rosterImport.importFile("roster.csv", "v1", (HEADER + "m-7,Ana Ngata,ana@example.org,member\nm-8,Bo Li,bo@example.org,staff\n")
                .getBytes(StandardCharsets.UTF_8), org.appban.domain.Actor.event("s3:roster.csv"), false);
        RosterImportReport r = rosterImport.importFile("roster.csv", "v2",
                (HEADER + "M-7,Ana Ngata,ana.ngata@example.org,member\nm-8,Bo Li,bo@example.org,staff\n").getBytes(StandardCharsets.UTF_8),
                org.appban.domain.Actor.event("s3:roster.csv"), false);
        assertEquals(List.of("m-7", "m-8"), members.all().stream().map(Member::id).sorted().toList(), "one person, one member");
        assertEquals(List.of("m-7"), r.updated(), "the stored member took the row's new address");
        assertEquals("ana.ngata@example.org", members.find("m-7").orElseThrow().email());
        assertEquals(List.of(), r.deactivated(), "and was not deactivated as missing from the file");
        assertEquals("line 2 (id M-7): id: 'M-7' is stored as 'm-7' (ids are compared ignoring case): the row updates that member;"
                + " the roster's next export should write 'm-7'", r.warnings().get(0).toString());
    }

    // One strict JSON reading

    @Test
    void a_json_row_with_a_key_twice_refuses_the_file_naming_the_key_and_the_row() {
        String json = "{\"members\": [\n{\"id\":\"m1\",\"name\":\"Ana\",\"email\":\"ana@example.org\",\"role\":\"member\"},\n"
                + "{\"id\":\"m2\",\"name\":\"Bo\",\"email\":\"bo@example.org\",\"role\":\"staff\",\"email\":\"mallory@example.org\"}\n]}";
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(json));
        assertTrue(e.getMessage().contains("line 3: duplicate key 'email' in /members/1 (line 3, column"), e.getMessage());
    }

    @Test
    void content_after_the_roster_is_refused_not_dropped() {
        String json = "[{\"id\":\"m1\",\"name\":\"Ana\",\"email\":\"ana@example.org\",\"role\":\"member\"}]\n"
                + "[{\"id\":\"m2\",\"name\":\"Bo\",\"email\":\"bo@example.org\",\"role\":\"staff\"}]";
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse(json));
        assertTrue(e.getMessage().contains("content after the end of the JSON document (at line 2, column 1)"), e.getMessage());
        InvalidInputException extra = assertThrows(InvalidInputException.class, () -> parse("{\"members\": [], \"others\": []}"));
        assertTrue(extra.getMessage().contains("unknown field 'others' after the list of members"), extra.getMessage());
    }

    @Test
    void a_semicolon_separated_file_is_refused_saying_so() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> parse("id;name;email;role\nm1;Ana;ana@example.org;member\n"));
        assertTrue(e.getMessage().contains("the header is separated by ';'"), e.getMessage());
    }

    // Refused as a whole: recorded, then the invocation fails so that the Errors alarm reaches an administrator

    @Test
    void a_roster_refused_as_a_whole_from_s3_is_recorded_and_fails_the_invocation_writing_no_member() {
        for (String[] c : new String[][] {
                {"semicolons.csv", "id;name;email;role\nm1;Ana;ana@example.org;member\n", "the header is separated by ';'"},
                {"empty.csv", "", "no header row"},
                {"latin1.csv", null, "not valid UTF-8 text: the text is not UTF-8: byte 0xE9"},
                {"all-bad.csv", HEADER + "m1,Ana,not-an-address,member\nm2,,bo@example.org,staff\n", "every one rejected"}}) {
            byte[] content = c[1] == null ? (HEADER + "m1,Renée,renee@example.org,member\n").getBytes(StandardCharsets.ISO_8859_1)
                    : c[1].getBytes(StandardCharsets.UTF_8);
            objects.put("b/" + c[0], new RosterFiles.RosterFile(content, "tag-" + c[0]));
            int before = ledger.chains().stream().mapToInt(ch -> ledger.chain(ch).size()).sum();
            RuntimeException e = assertThrows(RosterImportHandler.RosterRefused.class, () -> invoke(s3Event(c[0]), context(300_000)));
            assertTrue(e.getMessage().contains(c[2]), c[0] + ": " + e.getMessage());
            assertEquals(0, members.all().size(), c[0] + ": no member written");
            int after = ledger.chains().stream().mapToInt(ch -> ledger.chain(ch).size()).sum();
            assertEquals(before + 1, after, c[0] + ": the refusal on record");
            assertThrows(RosterImportHandler.RosterRefused.class, () -> invoke(s3Event(c[0]), context(300_000)));
            assertEquals(after, ledger.chains().stream().mapToInt(ch -> ledger.chain(ch).size()).sum(), c[0] + ": a retry records nothing twice");
        }
    }

    @Test
    void a_deleted_object_is_a_clear_error_not_a_stack_trace() {
        RuntimeException e = assertThrows(RosterImportHandler.RosterRefused.class, () -> invoke(s3Event("gone.csv"), context(300_000)));
        assertEquals("roster import rejected: b/gone.csv: no such object: it was deleted or renamed after the upload"
                + " that triggered this import; upload the roster again", e.getMessage());
    }

    // At scale: stopped between steps with time to spare, handed on, continued to the end

    @Test
    void an_import_that_runs_short_of_time_hands_the_rest_on_and_the_continuation_finishes_it() throws Exception {
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= 1000; i++) csv.append("m").append(i).append(",Member ").append(i).append(",m").append(i).append("@example.org,member\n");
        objects.put("b/big.csv", new RosterFiles.RosterFile(csv.toString().getBytes(StandardCharsets.UTF_8), "etag-1"));

        // Time for one step: the first invocation writes 250 members and hands the other 750 on.
        JsonNode first = invoke(s3Event("big.csv"), new StepContext(1)).path("imports").get(0);
        assertEquals("continuing", first.path("status").asText(), first.toString());
        assertEquals(250, first.path("created").size());
        assertEquals(750, first.path("remaining").asInt());
        assertEquals(250, members.all().size());
        assertEquals(List.of(new RosterContinuation("b", "big.csv", "etag-1", null, 1, 750)), handedOn);

        // Each continuation carries on from what is stored, until the file is in.
        for (int i = 0; i < handedOn.size(); i++) {
            JsonNode r = invoke(sqsEvent(handedOn.get(i)), new StepContext(2)).path("imports").get(0);
            assertTrue(r.path("status").asText().equals("continuing") || r.path("status").asText().equals("imported"), r.toString());
        }
        assertEquals(List.of(1, 2), handedOn.stream().map(RosterContinuation::step).toList());
        assertEquals(1000, members.all().size());
        for (int i = 1; i <= 1000; i++) assertEquals(1, ledger.chain("member#m" + i).size(), "one record per member, m" + i);
    }

    @Test
    void a_continuation_of_an_object_uploaded_again_since_stops_the_newer_upload_imports_itself() throws Exception {
        objects.put("b/r.csv", new RosterFiles.RosterFile((HEADER + "m1,Ana,ana@example.org,member\n").getBytes(StandardCharsets.UTF_8), "etag-2"));
        JsonNode r = invoke(sqsEvent(new RosterContinuation("b", "r.csv", "etag-1", null, 1, 10)), context(300_000)).path("imports").get(0);
        assertEquals("superseded", r.path("status").asText(), r.toString());
        assertEquals(0, members.all().size());
    }

    @Test
    void the_deactivation_limit_holds_across_a_continued_import() throws Exception {
        for (int i = 1; i <= 40; i++) members.save(Member.active("old" + i, "Old " + i, "old" + i + "@example.org", Role.STAFF));
        StringBuilder csv = new StringBuilder(HEADER);
        for (int i = 1; i <= 600; i++) csv.append("n").append(i).append(",New ").append(i).append(",n").append(i).append("@example.org,member\n");
        objects.put("b/new.csv", new RosterFiles.RosterFile(csv.toString().getBytes(StandardCharsets.UTF_8), "etag-3"));
        // 40 of 640 active leave: over 10 members but under 10%, so the limit lets them go, after the additions.
        invoke(s3Event("new.csv"), new StepContext(1));
        assertEquals(40, members.all().stream().filter(m -> m.id().startsWith("old") && m.active()).count(), "nobody deactivated yet");
        for (int i = 0; i < handedOn.size(); i++) invoke(sqsEvent(handedOn.get(i)), new StepContext(1));
        assertEquals(0, members.all().stream().filter(m -> m.id().startsWith("old") && m.active()).count());

        // A roster of 20 that drops 600: held, with the additions applied, across steps as in one.
        StringBuilder cut = new StringBuilder(HEADER);
        for (int i = 1; i <= 20; i++) cut.append("n").append(i).append(",New ").append(i).append(",n").append(i).append("@example.org,staff\n");
        objects.put("b/cut.csv", new RosterFiles.RosterFile(cut.toString().getBytes(StandardCharsets.UTF_8), "etag-4"));
        IllegalStateException held = assertThrows(IllegalStateException.class, () -> invoke(s3Event("cut.csv"), new StepContext(1)));
        assertTrue(held.getMessage().contains("\"confirm\": 580"), held.getMessage());
        assertEquals(600, members.all().stream().filter(m -> m.id().startsWith("n") && m.active()).count());
    }

    private JsonNode invoke(String event, Context context) throws Exception {
        RosterImportHandler handler = new RosterImportHandler(rosterImport, (bucket, key) -> {
            RosterFiles.RosterFile f = objects.get(bucket + "/" + key);
            if (f == null) throw new InvalidInputException(bucket + "/" + key, "", "no such object: it was deleted or renamed after"
                    + " the upload that triggered this import; upload the roster again");
            return f;
        }, handedOn::add);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
        return Json.parse(out.toByteArray());
    }

    private static String s3Event(String key) {
        return "{\"Records\":[{\"eventSource\":\"aws:s3\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"" + key + "\"}}}]}";
    }

    private static String sqsEvent(RosterContinuation c) {
        return Json.write(Json.object().set("Records", Json.array().add(Json.object().put("eventSource", "aws:sqs").put("body", c.toJson()))));
    }

    private static Context context(int remainingMillis) {
        return org.appban.testing.TestContext.of("r").withRemainingMillis(remainingMillis);
    }

    /** An invocation with time for {@code steps} steps: the remaining time drops under the margin after that many checks. */
    private static final class StepContext implements Context {
        private final Context base = context(300_000);
        private int checks;
        private final int steps;

        StepContext(int steps) {
            this.steps = steps;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return ++checks < steps ? 300_000 : 30_000;
        }

        @Override public String getAwsRequestId() { return base.getAwsRequestId(); }
        @Override public String getLogGroupName() { return base.getLogGroupName(); }
        @Override public String getLogStreamName() { return base.getLogStreamName(); }
        @Override public String getFunctionName() { return base.getFunctionName(); }
        @Override public String getFunctionVersion() { return base.getFunctionVersion(); }
        @Override public String getInvokedFunctionArn() { return base.getInvokedFunctionArn(); }
        @Override public CognitoIdentity getIdentity() { return base.getIdentity(); }
        @Override public ClientContext getClientContext() { return base.getClientContext(); }
        @Override public int getMemoryLimitInMB() { return base.getMemoryLimitInMB(); }
        @Override public LambdaLogger getLogger() { return base.getLogger(); }
    }
}
