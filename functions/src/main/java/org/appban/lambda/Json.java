package org.appban.lambda;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The functions' JSON: Jackson's tree ({@link JsonNode}) read and written with jackson-core's streaming parser and
 * generator, and reports (records, maps, lists) written by {@link JsonValues}, without an {@code ObjectMapper}.
 *
 * <p>Why not the mapper: building the first {@code ObjectMapper} loads some 400 classes (serializer and
 * deserializer factories, type introspection, date formats and their locale data), 110-140 ms of a cold start
 * with Lambda's JVM flags, and writing a record through it introspects the record by reflection, another 25 ms;
 * this reads and writes the same JSON in a tenth of that. Note that {@code JsonNode.toString()} builds a mapper
 * of its own: write nodes with {@link #write(Object)}.
 *
 * <p>What the mapper did, this does: an empty document reads as a {@link MissingNode}, content after the first
 * value is ignored, numbers read as the mapper's default nodes (int, long, big integer, double); values are written
 * as {@link JsonValues} describes (the mapper's output, nulls left out of records and maps).
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    public static JsonNode parse(String text) throws JsonProcessingException {
        try (JsonParser p = FACTORY.createParser(text)) {
            return document(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(byte[] bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            return document(p);
        }
    }

    public static JsonNode parse(java.nio.file.Path file) throws IOException {
        return parse(java.nio.file.Files.readAllBytes(file));
    }

    /** A parser over the text, for callers that read a document value by value ({@link #read}). */
    public static JsonParser parser(String text) throws IOException {
        return FACTORY.createParser(text);
    }

    private static JsonNode document(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        return first == null ? MissingNode.getInstance() : read(p);
    }

    /** The value starting at the parser's current token, as a tree; the parser is left on the value's last token. */
    public static JsonNode read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) throw new IllegalStateException("the parser is not on a value");
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                for (JsonToken k = p.nextToken(); k != JsonToken.END_OBJECT; k = p.nextToken()) {
                    String name = p.currentName();
                    p.nextToken();
                    o.replace(name, read(p));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) a.add(read(p));
                yield a;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT -> NODES.pojoNode(p.getEmbeddedObject());
            default -> throw new IllegalStateException("unexpected " + t + " at " + p.currentLocation());
        };
    }

    /** The value as compact JSON text. */
    public static String write(Object value) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w)) {
            JsonValues.write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** The value as indented JSON text (Jackson's default pretty printer), for reports people read. */
    public static String pretty(Object value) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(w).useDefaultPrettyPrinter()) {
            JsonValues.write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    public static byte[] bytes(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(value, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the value to the stream as compact UTF-8 JSON; the stream is flushed, not closed. */
    public static void write(Object value, OutputStream out) throws IOException {
        try (JsonGenerator g = FACTORY.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            JsonValues.write(g, value);
        }
    }

    /** The value as a tree (what the mapper's {@code valueToTree} gave), for reports assembled from parts. */
    public static JsonNode tree(Object value) {
        try {
            return parse(write(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("wrote JSON that does not read back", e);
        }
    }
}
