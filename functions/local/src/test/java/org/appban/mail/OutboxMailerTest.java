package org.appban.mail;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutboxMailerTest {
    @Test
    void each_message_becomes_an_eml_file_named_in_sending_order(@TempDir Path dir) throws Exception {
        OutboxMailer outbox = new OutboxMailer(dir.resolve("outbox"));
        byte[] bytes = "Subject: x\r\n\r\nbody\r\n".getBytes();
        String id = outbox.send(new OutgoingMail(EmailAddress.of("from@example.org"), EmailAddress.of("to@example.org"),
                new MimeEmail(bytes, "abc@example.org"), Map.of("stage", "announcement", "member", "m/1")));

        assertEquals("abc@example.org", id);
        Path file = dir.resolve("outbox/00001-announcement-m_1.eml");
        assertTrue(Files.isRegularFile(file));
        assertArrayEquals(bytes, Files.readAllBytes(file));
        assertEquals(1, outbox.entries().size());
        assertEquals("to@example.org", outbox.entries().get(0).recipient());
        // A second outbox on the same folder (a later rehearsal day) continues the numbering.
        new OutboxMailer(dir.resolve("outbox")).send(new OutgoingMail(EmailAddress.of("from@example.org"),
                EmailAddress.of("to@example.org"), new MimeEmail(bytes, "def@example.org"), Map.of("stage", "reminder-7d", "member", "m-2")));
        assertTrue(Files.isRegularFile(dir.resolve("outbox/00002-reminder-7d-m-2.eml")));
    }
}
