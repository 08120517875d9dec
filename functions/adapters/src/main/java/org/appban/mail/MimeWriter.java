package org.appban.mail;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Encodes an {@link Email} as a multipart/alternative message (plain text first, HTML last, as RFC 2046 orders
 * alternatives from plainest to richest) or, when it carries attachments, a multipart/mixed whose first part is
 * that alternative and whose other parts are the attachments (base64). Written by hand, because the rules needed
 * here are few and each is tested by parsing the output with an independent mail library (Angus Mail, which would
 * add about 1 MB and its class loading to every notify cold start if it wrote the messages instead):
 * <ul>
 *   <li>RFC 5322 headers, CRLF line endings, header lines folded at spaces to at most 78 characters;</li>
 *   <li>display names and subjects: printable ASCII as is (a name with specials as a quoted-string), anything
 *       else as RFC 2047 B encoded-words of UTF-8, at most 75 characters each, split on character boundaries;</li>
 *   <li>bodies: UTF-8, quoted-printable (readable in the rehearsal's .eml files), lines at most 76 characters;</li>
 *   <li>the boundary starts with "=_", which quoted-printable output can never contain;</li>
 *   <li>header injection is impossible: names and subjects go through {@link HeaderText#clean} (no control
 *       character survives), addresses are {@link EmailAddress}es (validated, no whitespace at all), and the
 *       Message-ID is checked, so no value can end a header line.</li>
 * </ul>
 */
public final class MimeWriter {
    private static final String CRLF = "\r\n";
    private static final int HEADER_LINE = 78;
    private static final int QP_LINE = 76;
    private static final int MAX_NAME = 200;
    private static final int MAX_SUBJECT = 500;
    /**
     * 42 bytes of UTF-8 encode to 56 base64 characters (no padding): "=?UTF-8?B?" + 56 + "?=" = 68, under RFC 2047's
     * 75, and short enough that "Subject: " plus one word still fits a 78-character line.
     */
    private static final int ENCODED_WORD_BYTES = 42;
    private static final Pattern PLAIN_PHRASE = Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$");
    private static final Pattern MESSAGE_ID = Pattern.compile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+$");

    public MimeEmail write(Email email) {
        if (!MESSAGE_ID.matcher(email.messageId()).matches()) {
            throw new IllegalArgumentException("not a Message-ID: " + HeaderText.clean(email.messageId()));
        }
        String boundary = "=_appban_" + hash(email.messageId());
        String mixed = "=_appban_mixed_" + hash(email.messageId());
        boolean withAttachments = !email.attachments().isEmpty();
        StringBuilder m = new StringBuilder(4096);
        header(m, "Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(email.date()));
        header(m, "From", mailbox(email.from()));
        header(m, "To", mailbox(email.to()));
        if (email.replyTo() != null) header(m, "Reply-To", email.replyTo().value());
        header(m, "Subject", subject(email.subject()));
        header(m, "Message-ID", "<" + email.messageId() + ">");
        header(m, "MIME-Version", "1.0");
        // RFC 3834: automatic, so auto-responders (out of office) do not answer it.
        header(m, "Auto-Submitted", "auto-generated");
        header(m, "X-Auto-Response-Suppress", "All");
        if (withAttachments) {
            header(m, "Content-Type", "multipart/mixed; boundary=\"" + mixed + "\"");
            m.append(CRLF);
            m.append("This is a multi-part message in MIME format.").append(CRLF);
            m.append("--").append(mixed).append(CRLF);
        }
        header(m, "Content-Type", "multipart/alternative; boundary=\"" + boundary + "\"");
        m.append(CRLF);
        if (!withAttachments) m.append("This is a multi-part message in MIME format.").append(CRLF);
        part(m, boundary, "text/plain", email.text());
        part(m, boundary, "text/html", email.html());
        m.append("--").append(boundary).append("--").append(CRLF);
        if (withAttachments) {
            for (Attachment a : email.attachments()) attachment(m, mixed, a);
            m.append("--").append(mixed).append("--").append(CRLF);
        }
        return new MimeEmail(m.toString().getBytes(StandardCharsets.US_ASCII), email.messageId());
    }

    private static void part(StringBuilder m, String boundary, String type, String content) {
        m.append("--").append(boundary).append(CRLF);
        m.append("Content-Type: ").append(type).append("; charset=UTF-8").append(CRLF);
        m.append("Content-Transfer-Encoding: quoted-printable").append(CRLF);
        m.append(CRLF);
        m.append(quotedPrintable(content)).append(CRLF);
    }

    /** An attachment part: its type with the file's name, as an attachment, base64 in lines of 76. */
    private static void attachment(StringBuilder m, String boundary, Attachment a) {
        m.append("--").append(boundary).append(CRLF);
        m.append("Content-Type: ").append(a.contentType()).append("; name=\"").append(a.filename()).append('"').append(CRLF);
        m.append("Content-Disposition: attachment; filename=\"").append(a.filename()).append('"').append(CRLF);
        m.append("Content-Transfer-Encoding: base64").append(CRLF);
        m.append(CRLF);
        m.append(Base64.getMimeEncoder(QP_LINE, CRLF.getBytes(StandardCharsets.US_ASCII)).encodeToString(a.content())).append(CRLF);
    }

    /** {@code "Name" <addr>}, {@code =?UTF-8?B?...?= <addr>}, or the bare address when there is no name. */
    static String mailbox(Mailbox box) {
        String phrase = phrase(box.displayName());
        return phrase == null ? box.address().value() : phrase + " <" + box.address().value() + ">";
    }

    static String phrase(String name) {
        String clean = truncate(HeaderText.clean(name), MAX_NAME);
        if (clean.isEmpty()) return null;
        if (isPrintableAscii(clean)) {
            if (PLAIN_PHRASE.matcher(clean).matches() && !clean.contains("=?")) return clean;
            return "\"" + clean.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return encodedWords(clean);
    }

    static String subject(String subject) {
        String clean = truncate(HeaderText.clean(subject), MAX_SUBJECT);
        boolean plain = isPrintableAscii(clean) && !clean.contains("=?");
        if (plain) {
            for (String word : clean.split(" ")) if (word.length() > HEADER_LINE - 10) plain = false;
        }
        return plain ? clean : encodedWords(clean);
    }

    /** RFC 2047 B encoded-words, split so that no UTF-8 sequence (or surrogate pair) is cut. */
    static String encodedWords(String text) {
        StringBuilder out = new StringBuilder();
        StringBuilder chunk = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > ENCODED_WORD_BYTES) {
                appendWord(out, chunk);
                chunk.setLength(0);
                bytes = 0;
            }
            chunk.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        if (chunk.length() > 0) appendWord(out, chunk);
        return out.toString();
    }

    private static void appendWord(StringBuilder out, CharSequence chunk) {
        if (out.length() > 0) out.append(' ');
        out.append("=?UTF-8?B?")
                .append(Base64.getEncoder().encodeToString(chunk.toString().getBytes(StandardCharsets.UTF_8)))
                .append("?=");
    }

    /** Writes {@code Name: value}, folding before spaces so lines stay within 78 characters where a space allows. */
    private static void header(StringBuilder m, String name, String value) {
        StringBuilder line = new StringBuilder(name).append(':');
        boolean first = true;
        for (String token : value.split(" ", -1)) {
            if (!first && line.length() + 1 + token.length() > HEADER_LINE) {
                m.append(line).append(CRLF);
                line.setLength(0);
            }
            line.append(' ').append(token);
            first = false;
        }
        m.append(line).append(CRLF);
    }

    /** Quoted-printable (RFC 2045 6.7) of the UTF-8 bytes; any line ending becomes CRLF. */
    static String quotedPrintable(String text) {
        String[] lines = text.split("\r\n|\r|\n", -1);
        StringBuilder out = new StringBuilder(text.length() + text.length() / 8);
        for (int l = 0; l < lines.length; l++) {
            if (l > 0) out.append(CRLF);
            byte[] bytes = lines[l].getBytes(StandardCharsets.UTF_8);
            int len = 0;
            for (int i = 0; i < bytes.length; i++) {
                int b = bytes[i] & 0xff;
                boolean last = i == bytes.length - 1;
                String token = qpToken(b, last);
                if (len + token.length() > QP_LINE - 1) {
                    out.append('=').append(CRLF);
                    len = 0;
                }
                if (len == 0 && startsBadly(bytes, i)) token = hex(b);
                out.append(token);
                len += token.length();
            }
        }
        return out.toString();
    }

    private static String qpToken(int b, boolean lastOnLine) {
        if (b >= 33 && b <= 126 && b != '=') return String.valueOf((char) b);
        if ((b == ' ' || b == '\t') && !lastOnLine) return String.valueOf((char) b);
        return hex(b);
    }

    /** A line starting with "." (SMTP) or "From " (mbox) is encoded, so no relay or mailbox format alters it. */
    private static boolean startsBadly(byte[] bytes, int i) {
        if (bytes[i] == '.') return true;
        return bytes[i] == 'F' && i + 4 < bytes.length && bytes[i + 1] == 'r' && bytes[i + 2] == 'o'
                && bytes[i + 3] == 'm' && bytes[i + 4] == ' ';
    }

    private static String hex(int b) {
        return "=" + Character.toUpperCase(Character.forDigit(b >> 4, 16)) + Character.toUpperCase(Character.forDigit(b & 0xf, 16));
    }

    private static boolean isPrintableAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) return false;
        }
        return true;
    }

    private static String truncate(String s, int maxCodePoints) {
        if (s.codePointCount(0, s.length()) <= maxCodePoints) return s;
        return s.substring(0, s.offsetByCodePoints(0, maxCodePoints));
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
