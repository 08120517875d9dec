package org.appban.mail;

/**
 * Makes text safe to stand in a single header field: every control character (CR, LF, TAB, NUL, DEL, the C1
 * range) and the Unicode line and paragraph separators become a space, runs of whitespace collapse, and the
 * ends are trimmed. After this, text cannot end a header line, so it cannot start a new header.
 */
public final class HeaderText {
    private HeaderText() {
    }

    public static String clean(String text) {
        if (text == null) return "";
        StringBuilder b = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean blank = Character.isISOControl(c) || Character.isWhitespace(c) || c == '\u2028' || c == '\u2029'
                    || c == '\u0085' || Character.isSpaceChar(c);
            if (blank) {
                space = b.length() > 0;
            } else {
                if (space) b.append(' ');
                space = false;
                b.append(c);
            }
        }
        return b.toString();
    }
}
