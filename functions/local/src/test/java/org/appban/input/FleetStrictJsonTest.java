package org.appban.input;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.appban.json.Json;
import org.appban.sim.fleet.FleetLoader;
import org.appban.sim.fleet.InvalidFleetException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet file is read by the one strict reading of every input ({@link org.appban.json.StrictJson}, module appban-json, which the
 * simulators' fleet loader shares with the functions): the same inputs refused, in the same words, with the key
 * or the byte named.
 */
class FleetStrictJsonTest {
    private final FleetLoader fleets = new FleetLoader();

    @Test
    void a_key_twice_is_refused_by_both_naming_the_key() throws IOException {
        String fleet = sample().replaceFirst("\\{", "{\"name\": \"one\", \"name\": \"two\", ");
        JsonProcessingException json = assertThrows(JsonProcessingException.class, () -> Json.parse(fleet));
        InvalidFleetException f = assertThrows(InvalidFleetException.class, () -> fleets.parse(fleet, "fleet.json"));
        assertTrue(Json.problem(json).contains("duplicate key 'name'"), Json.problem(json));
        assertTrue(f.getMessage().contains(Json.problem(json)), f.getMessage() + " / " + Json.problem(json));
    }

    @Test
    void content_after_the_document_is_refused_by_both() throws IOException {
        String fleet = sample() + "\n{\"members\": []}";
        JsonProcessingException json = assertThrows(JsonProcessingException.class, () -> Json.parse(fleet));
        InvalidFleetException f = assertThrows(InvalidFleetException.class, () -> fleets.parse(fleet, "fleet.json"));
        assertTrue(f.getMessage().contains("content after the end of the JSON document"), f.getMessage());
        assertTrue(f.getMessage().contains(Json.problem(json)), f.getMessage() + " / " + Json.problem(json));
    }

    @Test
    void a_byte_order_mark_is_accepted_by_both(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fleet.json");
        Files.writeString(file, "\uFEFF" + sample(), StandardCharsets.UTF_8);
        Json.parse(Files.readAllBytes(file));
        fleets.load(file);
    }

    @Test
    void text_that_is_not_utf8_is_refused_by_both_in_the_same_words(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fleet.json");
        Files.write(file, sample().replaceFirst("\"name\": \"", "\"name\": \"Zoë ").getBytes(StandardCharsets.ISO_8859_1));
        JsonProcessingException json = assertThrows(JsonProcessingException.class, () -> Json.parse(Files.readAllBytes(file)));
        InvalidFleetException f = assertThrows(InvalidFleetException.class, () -> fleets.load(file));
        assertTrue(Json.problem(json).startsWith("the text is not UTF-8: byte 0xEB at offset"), Json.problem(json));
        assertTrue(f.getMessage().contains(Json.problem(json)), f.getMessage() + " / " + Json.problem(json));
    }

    private static String sample() throws IOException {
        try (InputStream in = FleetLoader.class.getResourceAsStream("/fleets/" + FleetLoader.SAMPLE + ".json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
