package org.appban.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * A 48-bit network (MAC) address, parsed once where it enters the system (an MDM's answer, the NAC's registry, a
 * telemetry line, a stored item) so that everything behind that edge compares one value, not text in one of the
 * forms the vendors write: Intune gives {@code 020000000001}, Jamf and ISE {@code 02:00:00:00:00:01}, switches
 * {@code 0200.0000.0001}, Windows {@code 02-00-00-00-00-01}.
 *
 * <p>The one normal form is {@link #toString()}: upper case, colon separated ({@code AA:BB:CC:DD:EE:FF}), which is
 * what the NAC is sent, the device table stores and reports show. {@link #hexDigits()} is the same value as twelve
 * lower-case digits, the form registry devices' ids were built from before this type existed (kept so that stored
 * ids still match).
 */
public final class MacAddress implements Comparable<MacAddress> {
    private static final String FORMS = "twelve hex digits: AA:BB:CC:DD:EE:FF, AA-BB-CC-DD-EE-FF, AABB.CCDD.EEFF or AABBCCDDEEFF";
    private final long bits;

    private MacAddress(long bits) {
        this.bits = bits;
    }

    /** Thrown for text that is not a MAC address; the message quotes the text and names the forms accepted. */
    public static final class Malformed extends IllegalArgumentException {
        private Malformed(String text) {
            super("'" + text + "' is not a MAC address (" + FORMS + ")");
        }
    }

    /**
     * The address the text names, in any of the vendors' forms (case-insensitive, surrounding blanks ignored).
     * Separators must be where the form puts them: {@code 02:00:0000:00:01} or {@code 2:0:0:0:0:1} is refused rather
     * than guessed at.
     *
     * @throws Malformed when the text is not a MAC address
     */
    public static MacAddress parse(String text) {
        if (text == null) throw new Malformed("null");
        String t = text.strip();
        String hex = switch (t.length()) {
            case 12 -> t;
            case 17 -> pairs(t);
            case 14 -> triples(t);
            default -> null;
        };
        if (hex == null) throw new Malformed(text);
        long bits = 0;
        for (int i = 0; i < 12; i++) {
            char c = hex.charAt(i);
            // ASCII only: Character.digit would take other scripts' digits (a fullwidth '０') as well.
            int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (digit < 0) throw new Malformed(text);
            bits = bits << 4 | digit;
        }
        return new MacAddress(bits);
    }

    /** The address, or empty when the text is absent or blank; a text that is present but not a MAC is refused. */
    public static Optional<MacAddress> parseOptional(String text) {
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(parse(text));
    }

    /** {@code AA:BB:...} or {@code AA-BB-...}, one separator throughout. */
    private static String pairs(String t) {
        char sep = t.charAt(2);
        if (sep != ':' && sep != '-') return null;
        StringBuilder hex = new StringBuilder(12);
        for (int i = 0; i < 17; i++) {
            if (i % 3 == 2) {
                if (t.charAt(i) != sep) return null;
            } else {
                hex.append(t.charAt(i));
            }
        }
        return hex.toString();
    }

    /** {@code AABB.CCDD.EEFF}, as Cisco switches write it. */
    private static String triples(String t) {
        if (t.charAt(4) != '.' || t.charAt(9) != '.') return null;
        return t.substring(0, 4) + t.substring(5, 9) + t.substring(10, 14);
    }

    /** Twelve lower-case hex digits, no separators: the form registry devices' stored ids carry. */
    public String hexDigits() {
        return String.format(Locale.ROOT, "%012x", bits);
    }

    /** The normal form: {@code AA:BB:CC:DD:EE:FF}. */
    @Override
    public String toString() {
        String hex = String.format(Locale.ROOT, "%012X", bits);
        StringBuilder b = new StringBuilder(17);
        for (int i = 0; i < 12; i += 2) b.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MacAddress other && other.bits == bits;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bits);
    }

    @Override
    public int compareTo(MacAddress o) {
        return Long.compare(bits, o.bits);
    }
}
