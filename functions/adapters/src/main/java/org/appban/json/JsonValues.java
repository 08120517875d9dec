package org.appban.json;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the values the functions report, as Jackson's mapper configured for them wrote them (the contract
 * {@code JsonValuesTest} checks against the mapper for every record of the functions):
 * <ul>
 *   <li>records as objects: their components in order, then their other getters ({@code getX()}, and
 *   {@code isX()} for a {@code boolean}), leaving out those that are null;</li>
 *   <li>maps as objects (keys as text, null values left out), collections and arrays as arrays, trees as they are;</li>
 *   <li>enums by their {@link org.appban.domain.WireNamed#wireName()} or {@link JsonValue} method, else by name; dates and times as ISO-8601 text (zoned ones with
 *   their offset, no zone id), zone ids by id, durations in seconds;</li>
 *   <li>strings, numbers and booleans as themselves.</li>
 * </ul>
 * Anything else (a class that is not a record) is refused rather than guessed at: what a report holds is known.
 */
final class JsonValues {
    /** The properties of each record class, found once by reflection on its components and public methods. */
    private static final ClassValue<List<Property>> PROPERTIES = new ClassValue<>() {
        @Override
        protected List<Property> computeValue(Class<?> type) {
            return properties(type);
        }
    };
    /** Each enum class's {@link JsonValue} method, or null to write constants by name. */
    private static final ClassValue<Method> ENUM_VALUE = new ClassValue<>() {
        @Override
        protected Method computeValue(Class<?> type) {
            for (Method m : type.getMethods()) {
                if (m.isAnnotationPresent(JsonValue.class) && m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())) return m;
            }
            return null;
        }
    };

    private JsonValues() {
    }

    private record Property(String name, Method accessor) {
    }

    static void write(JsonGenerator g, Object value) throws IOException {
        switch (value) {
            case null -> g.writeNull();
            case JsonNode node -> node(g, node);
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case BigDecimal d -> g.writeNumber(d);
            case BigInteger i -> g.writeNumber(i);
            case Character c -> g.writeString(c.toString());
            case Enum<?> e -> g.writeString(enumText(e));
            case Instant i -> g.writeString(DateTimeFormatter.ISO_INSTANT.format(i));
            case ZonedDateTime z -> g.writeString(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(z));
            case OffsetDateTime o -> g.writeString(DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(o));
            case LocalDateTime l -> g.writeString(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(l));
            case LocalDate d -> g.writeString(DateTimeFormatter.ISO_LOCAL_DATE.format(d));
            case LocalTime t -> g.writeString(DateTimeFormatter.ISO_LOCAL_TIME.format(t));
            case ZoneId z -> g.writeString(z.getId());
            // As jackson-datatype-jsr310 writes it by default: seconds, with the nanoseconds as nine decimals.
            case Duration d -> g.writeNumber(d.getNano() == 0 && d.getSeconds() == 0 ? BigDecimal.ZERO.setScale(1)
                    : BigDecimal.valueOf(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).setScale(9));
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (e.getValue() == null) continue;
                    g.writeFieldName(key(e.getKey()));
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case Collection<?> c -> {
                g.writeStartArray();
                for (Object o : c) write(g, o);
                g.writeEndArray();
            }
            case Object[] array -> {
                g.writeStartArray();
                for (Object o : array) write(g, o);
                g.writeEndArray();
            }
            case Record r -> record(g, r);
            default -> throw new IllegalArgumentException("no JSON form for " + value.getClass().getName()
                    + " (reports hold records, maps, lists, text, numbers, booleans, enums, dates and trees)");
        }
    }

    private static void record(JsonGenerator g, Record r) throws IOException {
        g.writeStartObject();
        for (Property p : PROPERTIES.get(r.getClass())) {
            Object v;
            try {
                v = p.accessor.invoke(r);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException re) throw re;
                throw new IllegalStateException(e.getCause());
            }
            if (v == null) continue;
            g.writeFieldName(p.name);
            write(g, v);
        }
        g.writeEndObject();
    }

    private static List<Property> properties(Class<?> type) {
        List<Property> list = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            Method m = c.getAccessor();
            m.setAccessible(true);
            list.add(new Property(c.getName(), m));
            names.add(c.getName());
        }
        // Like the mapper: public getters beside the components are properties too (the record's own, in order).
        for (Method m : type.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0 || m.isSynthetic()) continue;
            String name = getterName(m);
            if (name == null || names.contains(name)) continue;
            m.setAccessible(true);
            list.add(new Property(name, m));
            names.add(name);
        }
        return List.copyOf(list);
    }

    private static String getterName(Method m) {
        String n = m.getName();
        if (n.startsWith("get") && n.length() > 3 && m.getReturnType() != void.class) return decapitalize(n.substring(3));
        if (n.startsWith("is") && n.length() > 2 && m.getReturnType() == boolean.class) return decapitalize(n.substring(2));
        return null;
    }

    /** Jackson's default naming: the leading upper-case run is lowered ({@code getURL} is {@code url}). */
    private static String decapitalize(String s) {
        char[] c = s.toCharArray();
        for (int i = 0; i < c.length && Character.isUpperCase(c[i]); i++) c[i] = Character.toLowerCase(c[i]);
        return new String(c);
    }

    private static String key(Object k) {
        return k instanceof Enum<?> e ? enumText(e) : String.valueOf(k);
    }

    private static String enumText(Enum<?> e) {
        // Core's enums name their wire form through WireNamed (core has no JSON library to annotate with).
        if (e instanceof org.appban.domain.WireNamed w) return w.wireName();
        Method m = ENUM_VALUE.get(e.getDeclaringClass());
        if (m == null) return e.name();
        try {
            return String.valueOf(m.invoke(e));
        } catch (IllegalAccessException | InvocationTargetException ex) {
            throw new IllegalStateException("cannot name " + e, ex);
        }
    }

    private static void node(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    node(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode e : n) node(g, e);
                g.writeEndArray();
            }
            case STRING -> g.writeString(n.textValue());
            case BOOLEAN -> g.writeBoolean(n.booleanValue());
            case NULL -> g.writeNull();
            case NUMBER -> {
                switch (n.numberType()) {
                    case INT -> g.writeNumber(n.intValue());
                    case LONG -> g.writeNumber(n.longValue());
                    case BIG_INTEGER -> g.writeNumber(n.bigIntegerValue());
                    case FLOAT -> g.writeNumber(n.floatValue());
                    case DOUBLE -> g.writeNumber(n.doubleValue());
                    default -> g.writeNumber(n.decimalValue());
                }
            }
            case BINARY -> g.writeBinary(n.binaryValue());
            case POJO -> write(g, ((com.fasterxml.jackson.databind.node.POJONode) n).getPojo());
            case MISSING -> { }
        }
    }
}
