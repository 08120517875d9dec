package org.appban.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw messages the shared emulator's SES accepted: moto lists them at GET /moto-api/data.json (ses.RawMessage,
 * field raw_data), LocalStack at GET /_aws/ses (messages, field RawData); both normalised to {raw_data, id}.
 */
public final class EmulatorMailbox {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmulatorMailbox() {
    }

    public static List<JsonNode> rawMessages() {
        AwsEmulator emulator = AwsEmulator.shared();
        List<JsonNode> list = new ArrayList<>();
        try {
            if (emulator.kind() == AwsEmulator.Kind.LOCALSTACK) {
                try (InputStream in = emulator.endpoint().resolve("/_aws/ses").toURL().openStream()) {
                    for (JsonNode m : JSON.readTree(in).path("messages")) {
                        if (m.has("RawData")) {
                            list.add(JSON.createObjectNode().put("raw_data", m.path("RawData").asText()).put("id", m.path("Id").asText()));
                        }
                    }
                }
                return list;
            }
            try (InputStream in = emulator.endpoint().resolve("/moto-api/data.json").toURL().openStream()) {
                JSON.readTree(in).path("ses").path("RawMessage").forEach(list::add);
            }
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the emulator's sent mail", e);
        }
    }

    /** Messages whose raw text names {@code address} (in To), in the order the emulator lists them. */
    public static List<String> to(String address) {
        return rawMessages().stream().map(m -> m.path("raw_data").asText()).filter(raw -> raw.contains(address)).toList();
    }
}
