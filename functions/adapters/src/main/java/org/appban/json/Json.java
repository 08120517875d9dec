package org.appban.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.ContentReference;
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
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;

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
 * <p>Reading is {@link StrictJson}'s, the same for every input (policies, rosters, fleets, events, admin requests, webhooks):
 * <ul>
 *   <li>a key twice in one object is refused, naming the key and where it is (a JSON pointer, line and column):
 *       "last one wins" let {@code "operation"} twice in an admin request turn the kill switch off;</li>
 *   <li>content after the first value is refused (a second request in the same body was silently dropped);</li>
 *   <li>a UTF-8 byte order mark is skipped (editors on Windows write one);</li>
 *   <li>bytes that are not UTF-8 are refused with the offset, line and column of the first bad byte and what to do,
 *       rather than a parser's "Invalid UTF-8 start byte 0xe9" (or, from a {@code new String(bytes, UTF_8)},
 *       silently replaced characters).</li>
 * </ul>
 * Every refusal is a {@link JsonProcessingException} (a {@link NotStrictJson}) whose {@code getOriginalMessage()}
 * is the sentence for a person. An empty document reads as a {@link MissingNode}; numbers read as the mapper's
 * default nodes (int, long, big integer, double); values are written as {@link JsonValues} describes (the mapper's
 * output, nulls left out of records and maps).
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String BOM = "\uFEFF";

    private Json() {
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Input that is JSON but not the strict kind, or not UTF-8 ({@link StrictJson.NotStrictJson}). */
    public static JsonNode parse(String text) throws JsonProcessingException {
        return StrictJson.parse(text);
    }

    /** What is wrong with a document, as a sentence for whoever sent it ({@link StrictJson#problem}). */
    public static String problem(JsonProcessingException e) {
        return StrictJson.problem(e);
    }

    /** Reads UTF-8 bytes (a leading byte order mark is skipped); anything else is refused ({@link StrictJson}). */
    public static JsonNode parse(byte[] bytes) throws IOException {
        return StrictJson.parse(bytes);
    }

    /** The bytes as text, if they are UTF-8 ({@link StrictJson#utf8}). */
    public static String utf8(byte[] bytes) throws StrictJson.NotStrictJson {
        return StrictJson.utf8(bytes);
    }

    public static JsonNode parse(java.nio.file.Path file) throws IOException {
        return StrictJson.parse(file);
    }

    /** A parser over the text, for callers that read a document value by value ({@link StrictJson#parser}). */
    public static JsonParser parser(String text) throws IOException {
        return StrictJson.parser(text);
    }

    /** Refuses anything after the value the parser has just finished. */
    public static void requireEnd(JsonParser p) throws IOException {
        StrictJson.requireEnd(p);
    }

    /** The value starting at the parser's current token, as a tree, duplicate keys refused ({@link StrictJson#read}). */
    public static JsonNode read(JsonParser p) throws IOException {
        return StrictJson.read(p);
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
