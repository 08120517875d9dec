package org.appban.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.appban.input.StrictObject;
import org.junit.jupiter.api.Test;

/** Reading SES's bounce and complaint records, and which of them stop further mail. */
class MailFeedbackTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static MailFeedback read(String json, MailFeedback.Kind expected) throws Exception {
        StrictObject.Problems problems = new StrictObject.Problems("test");
        MailFeedback f = SesFeedbackEvent.read(StrictObject.root(JSON.readTree(json), problems), expected);
        problems.throwIfAny();
        return f;
    }

    private static final String BOUNCE = """
            {"eventType":"Bounce","bounce":{"bounceType":"%s","bounceSubType":"General","feedbackId":"fb-1",
             "timestamp":"2023-03-16T20:01:02.512Z","newFieldFromAws":1,
             "bouncedRecipients":[{"emailAddress":"Someone <Some.One@Example.org>","diagnosticCode":"smtp; 550 5.1.1"}]},
             "mail":{"messageId":"ses-1","tags":{"member":["m-4"],"stage":["announcement"]}}}""";

    @Test
    void a_permanent_bounce_names_its_recipient_and_member_and_blocks_the_address() throws Exception {
        MailFeedback f = read(BOUNCE.formatted("Permanent"), MailFeedback.Kind.BOUNCE);
        assertEquals(List.of("some.one@example.org"), f.recipients());
        assertEquals("m-4", f.tag("member"));
        assertEquals("ses-1", f.sesMessageId());
        assertEquals(Instant.parse("2023-03-16T20:01:02.512Z"), f.at());
        assertEquals("smtp; 550 5.1.1", f.diagnostic());
        assertTrue(f.blocksAddress());
    }

    @Test
    void a_transient_or_undetermined_bounce_keeps_the_address() throws Exception {
        assertFalse(read(BOUNCE.formatted("Transient"), MailFeedback.Kind.BOUNCE).blocksAddress());
        assertFalse(read(BOUNCE.formatted("Undetermined"), MailFeedback.Kind.BOUNCE).blocksAddress());
    }

    @Test
    void a_complaint_blocks_unless_the_report_says_it_is_not_spam() throws Exception {
        String complaint = """
                {"eventType":"Complaint","complaint":{"feedbackId":"fb-2","timestamp":"2023-03-17T01:12:39Z",
                 "complainedRecipients":[{"emailAddress":"sean@example.org"}]%s},"mail":{"messageId":"ses-2"}}""";
        MailFeedback plain = read(complaint.formatted(""), MailFeedback.Kind.COMPLAINT);
        assertNull(plain.type());
        assertTrue(plain.blocksAddress());
        assertTrue(read(complaint.formatted(",\"complaintFeedbackType\":\"abuse\""), null).blocksAddress());
        assertFalse(read(complaint.formatted(",\"complaintFeedbackType\":\"not-spam\""), null).blocksAddress());
    }

    @Test
    void the_older_notification_form_is_read_too() throws Exception {
        String notification = BOUNCE.formatted("Permanent").replace("\"eventType\"", "\"notificationType\"");
        assertEquals(MailFeedback.Kind.BOUNCE, read(notification, null).kind());
    }
}
