package org.appban.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The pages behind the attestation link. Self-contained (no script, no external resource; one inline style
 * allowed by its hash), every interpolated value HTML-escaped, never cached, never framed, no referrer sent on.
 * The confirmation form posts the signed token itself: a page elsewhere cannot make a member's browser attest
 * without the member's own token, which is what makes the form safe against cross-site requests.
 */
public final class AttestationPage {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}"
            + "h1{font-size:1.4rem}button{font-size:1rem;padding:.6rem 1.2rem;margin-top:1rem}.muted{color:#555;font-size:.9rem}";
    private static final String CSP = "default-src 'none'; style-src '" + sha256(STYLE) + "'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEEE d MMMM yyyy, h:mm a", Locale.ENGLISH);

    private final String organisation;
    private final String appName;
    private final String contact;
    private final ZoneId zone;

    public AttestationPage(String organisation, String appName, String contact, ZoneId zone) {
        this.organisation = organisation;
        this.appName = appName;
        this.contact = contact;
        this.zone = zone;
    }

    public static Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "text/html; charset=utf-8");
        h.put("Cache-Control", "no-store");
        h.put("Pragma", "no-cache");
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "no-referrer");
        h.put("Strict-Transport-Security", "max-age=31536000");
        return h;
    }

    public String form(String memberName, String token, Instant expires) {
        return page("Confirm that " + appName + " is gone",
                "<p>" + esc(memberName) + ", please confirm that you have removed " + esc(appName) + " from every private (personally owned) device"
                        + " you use on the " + esc(organisation) + " network.</p>"
                        + "<form method=\"post\">"
                        + "<input type=\"hidden\" name=\"t\" value=\"" + esc(token) + "\">"
                        + "<p><label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> "
                        + esc(appName) + " is no longer on any of my private devices.</label></p>"
                        + "<button type=\"submit\">Confirm</button></form>"
                        + "<p class=\"muted\">This link is for you only and works once, until " + esc(when(expires)) + ". If " + esc(appName)
                        + " is seen from one of your devices after you confirm, that device loses network access.</p>");
    }

    public String recorded(Instant at) {
        return page("Thank you", "<p>Your confirmation is recorded (" + esc(when(at)) + ").</p>"
                + "<p>If one of your devices lost network access because of " + esc(appName) + ", it gets it back shortly.</p>");
    }

    public String used(Instant at) {
        return page("This link was already used", "<p>A confirmation was recorded through this link on " + esc(when(at)) + ".</p>"
                + "<p>Nothing more is needed. If something is wrong, contact " + esc(contact) + ".</p>");
    }

    public String expired() {
        return page("This link has expired", "<p>Confirmation links work for a limited time. The next email about " + esc(appName)
                + " has a fresh one, or contact " + esc(contact) + ".</p>");
    }

    public String invalid() {
        return page("This link is not valid", "<p>The link is incomplete or has been changed. Open it from the email exactly as it was sent,"
                + " or contact " + esc(contact) + ".</p>");
    }

    public String confirmMissing(String token) {
        return page("Please tick the box", "<p>To confirm, tick the box and press Confirm.</p>"
                + "<form method=\"post\"><input type=\"hidden\" name=\"t\" value=\"" + esc(token) + "\">"
                + "<p><label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> " + esc(appName)
                + " is no longer on any of my private devices.</label></p><button type=\"submit\">Confirm</button></form>");
    }

    public String methodNotAllowed() {
        return page("Not available", "<p>Open the link from your email.</p>");
    }

    private String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<meta name=\"referrer\" content=\"no-referrer\"><title>" + esc(title) + " - " + esc(organisation) + "</title>"
                + "<style>" + STYLE + "</style></head><body><h1>" + esc(title) + "</h1>" + body
                + "<p class=\"muted\">" + esc(organisation) + "</p></body></html>";
    }

    private String when(Instant at) {
        return WHEN.format(at.atZone(zone));
    }

    /** Escapes text for HTML element content and double-quoted attribute values. */
    public static String esc(String s) {
        return org.appban.report.Html.escape(s);
    }

    private static String sha256(String s) {
        try {
            return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
