package org.appban.mail;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A file sent with an email, such as the deadline's calendar event. The name and type go into MIME headers, so both
 * are checked here, where they are made, rather than escaped later: a name of letters, digits, dots, hyphens and
 * underscores; a type of {@code type/subtype} with optional {@code ; name=value} parameters of tokens only.
 */
public record Attachment(String filename, String contentType, byte[] content) {
    private static final Pattern FILENAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$&^_.+-]+");
    private static final Pattern CONTENT_TYPE = Pattern.compile(
            "^" + TOKEN + "/" + TOKEN + "(; " + TOKEN + "=" + TOKEN + ")*$");

    public Attachment {
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(content, "content");
        if (!FILENAME.matcher(filename).matches()) throw new IllegalArgumentException("not a plain file name: " + HeaderText.clean(filename));
        if (!CONTENT_TYPE.matcher(contentType).matches()) throw new IllegalArgumentException("not a content type: " + HeaderText.clean(contentType));
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attachment a && filename.equals(a.filename) && contentType.equals(a.contentType)
                && Arrays.equals(content, a.content);
    }

    @Override
    public int hashCode() {
        return Objects.hash(filename, contentType, Arrays.hashCode(content));
    }

    @Override
    public String toString() {
        return "Attachment[" + filename + ", " + contentType + ", " + content.length + " bytes]";
    }
}
