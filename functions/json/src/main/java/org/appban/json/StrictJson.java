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
 * The one strict reading of every input (policies, rosters, fleets, events, admin requests, webhooks), Jackson's tree
 * ({@link JsonNode}) read with jackson-core's streaming parser, without an {@code ObjectMapper} (see {@link Json}
 * in the functions for why):
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
 * default nodes (int, long, big integer, double).
 *
 * <p>A module of its own (appban-json, Jackson alone) because the simulators' fleet loader sits below the
 * functions and reads fleet files by the same rules.
 */
public final class StrictJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String BOM = "\uFEFF";

    private StrictJson() {
    }

    /** Input that is JSON but not the strict kind, or not UTF-8: the message says what and where. */
    public static final class NotStrictJson extends JsonParseException {
        NotStrictJson(JsonParser p, String message) {
            super(p, message);
        }

        NotStrictJson(String message, JsonLocation where) {
            super(null, message, where);
        }
    }

    public static JsonNode parse(String text) throws JsonProcessingException {
        if (text.startsWith(BOM)) text = text.substring(1);
        try (JsonParser p = FACTORY.createParser(text)) {
            return document(p);
        } catch (JsonProcessingException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What is wrong with a document, as a sentence for whoever sent it: a strictness refusal says it all; a
     * parser's error is prefixed with "not valid JSON".
     */
    public static String problem(JsonProcessingException e) {
        return e instanceof NotStrictJson ? e.getOriginalMessage() : "not valid JSON: " + e.getOriginalMessage();
    }

    /** Reads UTF-8 bytes (a leading byte order mark is skipped); anything else is refused, see the class comment. */
    public static JsonNode parse(byte[] bytes) throws IOException {
        return parse(utf8(bytes));
    }

    /**
     * The bytes as text, if they are UTF-8 (a leading byte order mark dropped); otherwise a {@link NotStrictJson}
     * naming the first byte that is not, and where. For every text input, JSON or not (rosters read CSV too).
     */
    public static String utf8(byte[] bytes) throws NotStrictJson {
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError()) {
            int at = in.position();
            out.flip();
            String before = out.toString();
            int line = 1;
            int column = 1;
            for (int i = 0; i < before.length(); i++) {
                if (before.charAt(i) == '\n') {
                    line++;
                    column = 1;
                } else column++;
            }
            String hint = bytes.length >= 2 && ((bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE) || (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF))
                    ? "it looks like UTF-16; save it as UTF-8" : "save it as UTF-8 (a Latin-1 or Windows-1252 export, say, is not)";
            throw new NotStrictJson(String.format("the text is not UTF-8: byte 0x%02X at offset %d (line %d, column %d) is not valid UTF-8; %s",
                    bytes[at] & 0xFF, at, line, column, hint), new JsonLocation(ContentReference.unknown(), at, -1, line, column));
        }
        out.flip();
        String text = out.toString();
        return text.startsWith(BOM) ? text.substring(1) : text;
    }

    public static JsonNode parse(java.nio.file.Path file) throws IOException {
        return parse(java.nio.file.Files.readAllBytes(file));
    }

    /**
     * A parser over the text, for callers that read a document value by value ({@link #read}, which refuses
     * duplicate keys); the caller checks {@link #requireEnd} once the document's value is read.
     */
    public static JsonParser parser(String text) throws IOException {
        return FACTORY.createParser(text.startsWith(BOM) ? text.substring(1) : text);
    }

    /** Refuses anything after the value the parser has just finished. */
    public static void requireEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw new NotStrictJson(p, "content after the end of the JSON document (at " + where(p)
                    + "): send one JSON value per document");
        }
    }

    private static JsonNode document(JsonParser p) throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) return MissingNode.getInstance();
        JsonNode value = read(p);
        requireEnd(p);
        return value;
    }

    private static String where(JsonParser p) {
        JsonLocation l = p.currentTokenLocation();
        return "line " + l.getLineNr() + ", column " + l.getColumnNr();
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
                    if (o.has(name)) {
                        // The pointer of the object holding the key: "/" for the root, "/members/3" in a roster.
                        String in = p.getParsingContext().getParent().pathAsPointer().toString();
                        throw new NotStrictJson(p, "duplicate key '" + name + "' in " + (in.isEmpty() ? "the top-level object" : in)
                                + " (" + where(p) + "): a key may appear once in an object");
                    }
                    p.nextToken();
                    o.set(name, read(p));
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

}
