package org.appban.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the messages {@link MimeWriter} writes (the outbox's .eml files): unfolded headers with RFC 2047
 * encoded-words decoded, and the text and HTML parts of the multipart/alternative body decoded from
 * quoted-printable or base64. Not a general MIME parser: it reads this project's own output, which the mail tests
 * check against an independent mail library.
 */
public final class EmlReader {
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=");
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

    private EmlReader() {
    }

    /** A message read back. {@code html} or {@code text} is null when the message has no such part. */
    public record Message(Map<String, String> headers, String text, String html) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String subject() {
            return header("subject");
        }

        /** The Date header, or null when absent or unreadable. */
        public ZonedDateTime date() {
            String d = header("date");
            if (d == null) return null;
            try {
                return ZonedDateTime.parse(d.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    public static Message read(byte[] eml) {
        String all = new String(eml, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        int split = all.indexOf("\n\n");
        String head = split < 0 ? all : all.substring(0, split);
        String body = split < 0 ? "" : all.substring(split + 2);
        Map<String, String> headers = headers(head);
        String type = headers.getOrDefault("content-type", "text/plain");
        String text = null;
        String html = null;
        Matcher boundary = BOUNDARY.matcher(type);
        if (type.toLowerCase(Locale.ROOT).startsWith("multipart/") && boundary.find()) {
            String delimiter = "--" + boundary.group(1);
            for (String part : body.split(Pattern.quote(delimiter))) {
                if (part.startsWith("--") || part.isBlank()) continue;
                String p = part.startsWith("\n") ? part.substring(1) : part;
                int end = p.indexOf("\n\n");
                if (end < 0) continue;
                Map<String, String> ph = headers(p.substring(0, end));
                String content = decode(p.substring(end + 2), ph);
                String ptype = ph.getOrDefault("content-type", "text/plain").toLowerCase(Locale.ROOT);
                if (ptype.startsWith("text/html") && html == null) html = content;
                else if (ptype.startsWith("text/plain") && text == null) text = content;
            }
        } else {
            String content = decode(body, headers);
            if (type.toLowerCase(Locale.ROOT).startsWith("text/html")) html = content;
            else text = content;
        }
        return new Message(headers, text, html);
    }

    private static Map<String, String> headers(String head) {
        Map<String, String> headers = new LinkedHashMap<>();
        String unfolded = head.replaceAll("\n[ \t]+", " ");
        for (String line : unfolded.split("\n")) {
            int colon = line.indexOf(':');
            if (colon <= 0) continue;
            String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            headers.putIfAbsent(name, decodeWords(line.substring(colon + 1).strip()));
        }
        return headers;
    }

    /** RFC 2047: encoded-words, with the whitespace between two adjacent ones dropped. */
    static String decodeWords(String value) {
        String joined = value.replaceAll("\\?=\\s+=\\?", "?==?");
        Matcher m = ENCODED_WORD.matcher(joined);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Charset charset;
            try {
                charset = Charset.forName(m.group(1));
            } catch (RuntimeException e) {
                charset = StandardCharsets.UTF_8;
            }
            byte[] bytes = m.group(2).equalsIgnoreCase("B") ? Base64.getDecoder().decode(m.group(3))
                    : quotedPrintable(m.group(3).replace('_', ' '));
            m.appendReplacement(out, Matcher.quoteReplacement(new String(bytes, charset)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String decode(String content, Map<String, String> headers) {
        String encoding = headers.getOrDefault("content-transfer-encoding", "7bit").strip().toLowerCase(Locale.ROOT);
        Matcher cs = Pattern.compile("charset=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE).matcher(headers.getOrDefault("content-type", ""));
        Charset charset = StandardCharsets.UTF_8;
        if (cs.find()) {
            try {
                charset = Charset.forName(cs.group(1));
            } catch (RuntimeException ignored) {
                // unknown charset: read as UTF-8
            }
        }
        String trimmed = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        byte[] bytes = switch (encoding) {
            case "quoted-printable" -> quotedPrintable(trimmed.replaceAll("=\n", ""));
            case "base64" -> Base64.getMimeDecoder().decode(trimmed);
            default -> trimmed.getBytes(StandardCharsets.ISO_8859_1);
        };
        return new String(bytes, charset);
    }

    private static byte[] quotedPrintable(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '=' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c & 0xff);
            }
        }
        return out.toByteArray();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }
}
