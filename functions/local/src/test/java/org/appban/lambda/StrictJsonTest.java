package org.appban.lambda;

import org.appban.json.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The one strict reading of every JSON input (issue 23): what it refuses, and the sentence it refuses it with. */
class StrictJsonTest {
    @Test
    void a_key_twice_is_refused_naming_the_key_the_object_and_the_position() {
        String body = "{\"operation\":\"killswitch.on\",\"reason\":\"incident\",\"operation\":\"killswitch.off\"}";
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> Json.parse(body));
        assertEquals("duplicate key 'operation' in the top-level object (line 1, column 50): a key may appear once in an object",
                Json.problem(e));
    }

    @Test
    void a_key_twice_deep_in_a_document_is_named_with_its_json_pointer() {
        String roster = "{\"members\": [\n {\"id\": \"m1\"},\n {\"id\": \"m2\", \"email\": \"a@x.org\", \"email\": \"b@x.org\"}\n]}";
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> Json.parse(roster));
        assertTrue(Json.problem(e).startsWith("duplicate key 'email' in /members/1 (line 3, column"), Json.problem(e));
    }

    @Test
    void content_after_the_first_document_is_refused_not_dropped() throws Exception {
        JsonProcessingException e = assertThrows(JsonProcessingException.class,
                () -> Json.parse("{\"operation\":\"killswitch.on\"}\n{\"operation\":\"killswitch.off\"}"));
        assertEquals("content after the end of the JSON document (at line 2, column 1): send one JSON value per document", Json.problem(e));
        assertThrows(JsonProcessingException.class, () -> Json.parse("[1] x"));
        assertEquals(1, Json.parse("{\"a\":1}  \n\t ").size(), "trailing white space is fine");
    }

    @Test
    void a_utf8_byte_order_mark_is_skipped() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '"', 'a', '"', ':', '1', '}'};
        assertEquals(1, Json.parse(bom).path("a").intValue());
        assertEquals(1, Json.parse("\uFEFF{\"a\":1}").path("a").intValue());
    }

    @Test
    void bytes_that_are_not_utf8_are_refused_with_the_byte_its_place_and_what_to_do() {
        byte[] latin1 = "{\"name\":\n\"Zoë\"}".getBytes(StandardCharsets.ISO_8859_1);
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> Json.parse(latin1));
        assertEquals("the text is not UTF-8: byte 0xEB at offset 12 (line 2, column 4) is not valid UTF-8;"
                + " save it as UTF-8 (a Latin-1 or Windows-1252 export, say, is not)", Json.problem(e));
        byte[] utf16 = "{\"a\":1}".getBytes(StandardCharsets.UTF_16);
        e = assertThrows(JsonProcessingException.class, () -> Json.parse(utf16));
        assertTrue(Json.problem(e).endsWith("it looks like UTF-16; save it as UTF-8"), Json.problem(e));
    }

    @Test
    void a_parser_error_keeps_its_own_words_after_not_valid_json() {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> Json.parse("{\"a\":}"));
        assertTrue(Json.problem(e).startsWith("not valid JSON: Unexpected character"), Json.problem(e));
    }
}
