package org.appban.mail;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A mailbox address as this system sends to it: an RFC 5322 dot-atom local part and a DNS domain, ASCII only.
 * Anything else is refused rather than repaired: quoted local parts, comments, IP literals, internationalised
 * addresses, and, above all, any control character or whitespace, so an address can never carry a line break
 * into a header.
 */
public record EmailAddress(String value) {
    private static final String ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
    private static final Pattern LOCAL = Pattern.compile("^" + ATEXT + "+(\\." + ATEXT + "+)*$");
    private static final Pattern LABEL = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$");

    public EmailAddress {
        String problem = problem(value);
        if (problem != null) throw new InvalidAddressException(value, problem);
    }

    public static EmailAddress of(String value) {
        return new EmailAddress(value);
    }

    public static boolean isValid(String value) {
        return problem(value) == null;
    }

    public String domain() {
        return value.substring(value.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
    }

    private static String problem(String value) {
        if (value == null || value.isEmpty()) return "is empty";
        if (value.length() > 254) return "is longer than 254 characters";
        int at = value.lastIndexOf('@');
        if (at <= 0 || at == value.length() - 1) return "is not local-part@domain";
        String local = value.substring(0, at);
        String domain = value.substring(at + 1);
        if (local.length() > 64) return "has a local part longer than 64 characters";
        if (!LOCAL.matcher(local).matches()) return "has a local part that is not a plain dot-atom";
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) return "has a domain without a dot";
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) return "has a domain that is not a DNS name";
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }

    /** An address that cannot be mailed to; the message names the address's problem, not the whole address. */
    public static final class InvalidAddressException extends IllegalArgumentException {
        public InvalidAddressException(String value, String problem) {
            super("email address " + printable(value) + " " + problem);
        }

        private static String printable(String value) {
            if (value == null) return "(none)";
            StringBuilder b = new StringBuilder("'");
            value.codePoints().limit(80).forEach(c -> {
                if (c < 0x20 || c == 0x7f) b.append(String.format("\\x%02x", c));
                else b.appendCodePoint(c);
            });
            return b.append(value.length() > 80 ? "...'" : "'").toString();
        }
    }
}
