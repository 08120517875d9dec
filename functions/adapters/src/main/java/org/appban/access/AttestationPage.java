package org.appban.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.appban.report.PageTemplates;

/**
 * The pages behind the attestation link, rendered from {@code pages/attestation/} by {@link PageTemplates} (every
 * value HTML-escaped by default). Self-contained (no script, no external resource; one inline style allowed by its
 * hash), never cached, never framed, no referrer sent on.
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
        return page("Confirm that " + appName + " is gone", "form", Map.of("memberName", text(memberName), "token", text(token), "expires", when(expires)));
    }

    public String recorded(Instant at) {
        return page("Thank you", "recorded", Map.of("at", when(at)));
    }

    public String used(Instant at) {
        return page("This link was already used", "used", Map.of("at", when(at)));
    }

    public String expired() {
        return page("This link has expired", "expired", Map.of());
    }

    public String invalid() {
        return page("This link is not valid", "invalid", Map.of());
    }

    public String confirmMissing(String token) {
        return page("Please tick the box", "confirm-missing", Map.of("token", text(token)));
    }

    public String methodNotAllowed() {
        return page("Not available", "method-not-allowed", Map.of());
    }

    /** Page {@code pages/attestation/<body>} inside the layout; the campaign's names are in every model. */
    private String page(String title, String body, Map<String, String> values) {
        Map<String, String> model = new HashMap<>(values);
        model.put("organisation", text(organisation));
        model.put("appName", text(appName));
        model.put("contact", text(contact));
        model.put("title", title);
        model.put("style", STYLE);
        model.put("body", PageTemplates.render("attestation/" + body, model));
        return PageTemplates.render("attestation/layout", model);
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private String when(Instant at) {
        return WHEN.format(at.atZone(zone));
    }

    private static String sha256(String s) {
        try {
            return "sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
