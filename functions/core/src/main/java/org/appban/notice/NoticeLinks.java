package org.appban.notice;

import java.net.URI;

/**
 * Signed links a notice carries, made by the function that signs them (never here). Either may be null, and the
 * templates then leave out the part that uses it. Only https URLs are accepted, so a link can never carry a
 * {@code javascript:} or {@code data:} payload into the HTML.
 */
public record NoticeLinks(String exemptionUrl, String attestationUrl) {
    public static final NoticeLinks NONE = new NoticeLinks(null, null);

    public NoticeLinks {
        check("exemptionUrl", exemptionUrl);
        check("attestationUrl", attestationUrl);
    }

    private static void check(String name, String url) {
        if (url == null) return;
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not a URL: " + e.getMessage());
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an absolute https:// URL");
        }
    }
}
