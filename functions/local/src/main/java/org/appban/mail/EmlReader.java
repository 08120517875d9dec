package org.appban.mail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back the messages {@link MimeWriter} writes (the outbox's .eml files): unfolded headers with RFC 2047
 * encoded-words decoded, the text and HTML parts of the multipart/alternative body (also inside a
 * multipart/mixed) decoded from quoted-printable or base64, and the attachments. Not a general MIME parser: it
 * reads this project's own output, which the mail tests check against an independent mail library.
 */
public final class EmlReader {
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?]+)\\?([BbQq])\\?([^?]*)\\?=");
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final Pattern FILENAME = Pattern.compile("filename=\"?([^\";]+)\"?", Pattern.CASE_INSENSITIVE);

    private EmlReader() {
    }

    /**
     * A message read back. {@code html} or {@code text} is null when the message has no such part; attachments are
     * in the order of the message.
     */
    public record Message(Map<String, String> headers, String text, String html, List<Attachment> attachments) {
        public Message(Map<String, String> headers, String text, String html) {
            this(headers, text, html, List.of());
        }

        /** The attachment with this file name, if the message has one. */
        public Optional<Attachment> attachment(String filename) {
            return attachments.stream().filter(a -> a.filename().equals(filename)).findFirst();
        }

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
        Parts parts = new Parts();
        collect(headers, body, parts);
        return new Message(headers, parts.text, parts.html, List.copyOf(parts.attachments));
    }

    private static final class Parts {
        String text;
        String html;
        final List<Attachment> attachments = new ArrayList<>();
    }

    /** Walks the entity: into each part of a multipart (a mixed around an alternative too), keeping the first text and HTML. */
    private static void collect(Map<String, String> headers, String body, Parts parts) {
        String type = headers.getOrDefault("content-type", "text/plain");
        String lower = type.toLowerCase(Locale.ROOT);
        Matcher boundary = BOUNDARY.matcher(type);
        if (lower.startsWith("multipart/") && boundary.find()) {
            String delimiter = "--" + boundary.group(1);
            for (String part : body.split(Pattern.quote(delimiter))) {
                if (part.startsWith("--") || part.isBlank()) continue;
                String p = part.startsWith("\n") ? part.substring(1) : part;
                int end = p.indexOf("\n\n");
                if (end < 0) continue;
                collect(headers(p.substring(0, end)), p.substring(end + 2), parts);
            }
            return;
        }
        String disposition = headers.getOrDefault("content-disposition", "").toLowerCase(Locale.ROOT);
        if (disposition.startsWith("attachment")) {
            Matcher name = FILENAME.matcher(headers.get("content-disposition"));
            String filename = name.find() && name.group(1).matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}") ? name.group(1) : "attachment";
            parts.attachments.add(new Attachment(filename,
                    type.split(";")[0].strip().toLowerCase(Locale.ROOT), decodeBytes(body, headers)));
        } else if (lower.startsWith("text/html")) {
            if (parts.html == null) parts.html = decode(body, headers);
        } else if (parts.text == null) {
            parts.text = decode(body, headers);
        }
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

    private static byte[] decodeBytes(String content, Map<String, String> headers) {
        String encoding = headers.getOrDefault("content-transfer-encoding", "7bit").strip().toLowerCase(Locale.ROOT);
        String trimmed = content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
        return switch (encoding) {
            case "quoted-printable" -> quotedPrintable(trimmed.replaceAll("=\n", ""));
            case "base64" -> Base64.getMimeDecoder().decode(trimmed);
            default -> trimmed.getBytes(StandardCharsets.ISO_8859_1);
        };
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
