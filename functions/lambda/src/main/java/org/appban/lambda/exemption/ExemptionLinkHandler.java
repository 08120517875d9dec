package org.appban.lambda.exemption;

import org.appban.exemption.ExemptionLinkPage;
import org.appban.exemption.ExemptionOutcome;
import org.appban.exemption.ExemptionService;
import org.appban.exemption.SignedExemptionLinks;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.appban.domain.Member;
import org.appban.input.InvalidInputException;
import org.appban.json.Json;
import org.appban.lambda.JsonHandler;
import org.appban.policy.BanPolicy;
import org.appban.ports.DeviceStore;
import org.appban.ports.MemberStore;
import org.appban.signing.SignedTokens;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.lambda.Trigger;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * The page behind the exemption link in members' notices, served by a function URL (auth NONE: the signed token is
 * the authentication). {@code GET ?token=...} shows the request form for the member the token names;
 * {@code POST} (form: token, reason, device...) records the request through {@link ExemptionService#requestAsMember},
 * keyed by the token's nonce, so sending the same form twice records it once.
 *
 * <p>A forged, altered, expired or misdirected token gets a 403 page and touches nothing. Responses are never
 * cached and never framed, and carry no referrer (the token is in the URL).
 */
public final class ExemptionLinkHandler extends JsonHandler {
    private static final int MAX_FORM_BYTES = 64 * 1024;

    private final BanPolicy policy;
    private final SignedTokens tokens;
    private final ExemptionService service;
    private final MemberStore members;
    private final DeviceStore devices;
    private final Clock clock;
    private final ExemptionLinkPage page;

    public ExemptionLinkHandler() {
        this(new Production(Settings.fromEnvironment()));
    }

    private ExemptionLinkHandler(Production production) {
        this(production.policy(), production.signedTokens(), production.exemptionService(), production.memberStore(),
                production.deviceStore(), Clock.systemUTC());
        Priming.register("exemption-link", this::warmUp);
    }

    /**
     * SnapStart priming: the SDK calls, a form read, a token signed and verified with a throwaway key, and the pages
     * rendered for a made-up member (the signing secret is not read; nothing is recorded).
     */
    void warmUp() {
        SdkPriming.secretsManager();
        SdkPriming.dynamoDb();
        SdkPriming.eventBridge();
        form(JsonHandler.warmUp("{\"requestContext\":{\"http\":{\"method\":\"POST\"}},\"body\":\"token=t&reason=r&device=d\"}"));
        SignedTokens throwaway = new SignedTokens(org.appban.signing.Signer.withKey("priming-key-priming-key-priming-key"));
        java.time.Instant now = clock.instant();
        String token = throwaway.issue(SignedExemptionLinks.PURPOSE, "priming", now.plusSeconds(60));
        SignedExemptionLinks.verify(throwaway, token, now);
        Member member = Member.active("priming", "Priming Person", "priming@example.org", org.appban.domain.Role.STAFF);
        html(200, page.form(member, List.of(), token, List.of(), null));
        html(403, page.refused("priming"));
    }

    public ExemptionLinkHandler(BanPolicy policy, SignedTokens tokens, ExemptionService service, MemberStore members,
                                DeviceStore devices, Clock clock) {
        this.policy = policy;
        this.tokens = tokens;
        this.service = service;
        this.members = members;
        this.devices = devices;
        this.clock = clock;
        this.page = new ExemptionLinkPage(policy);
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        Trigger trigger = Trigger.of(event);
        if (!(trigger instanceof Trigger.FunctionUrlCall)) throw Trigger.notHandled("exemption-link", trigger, "requests through its function URL only");
        String method = event.path("requestContext").path("http").path("method").asText("");
        return switch (method) {
            case "GET" -> show(event.path("queryStringParameters").path("token").asText(""));
            case "POST" -> {
                try {
                    yield submit(form(event));
                } catch (InvalidInputException e) {
                    yield html(400, page.refused("The form could not be read (" + e.getMessage() + ")."));
                }
            }
            default -> html(405, "<!DOCTYPE html><title>Not allowed</title><p>Use the link in your email.</p>");
        };
    }

    private ObjectNode show(String token) {
        SignedTokens.Claims claims;
        try {
            claims = SignedExemptionLinks.verify(tokens, token, clock.instant());
        } catch (SignedTokens.InvalidTokenException e) {
            return refused(e);
        }
        Member member = members.find(claims.subject()).filter(Member::active).orElse(null);
        if (member == null) return html(403, page.refused("This link is for someone no longer on the roster."));
        return html(200, page.form(member, devices.ofOwner(member.id()), token, List.of(), null));
    }

    private ObjectNode submit(Map<String, List<String>> form) {
        String token = first(form, "token");
        SignedTokens.Claims claims;
        try {
            claims = SignedExemptionLinks.verify(tokens, token, clock.instant());
        } catch (SignedTokens.InvalidTokenException e) {
            return refused(e);
        }
        Member member = members.find(claims.subject()).filter(Member::active).orElse(null);
        if (member == null) return html(403, page.refused("This link is for someone no longer on the roster."));
        String reason = first(form, "reason");
        List<String> chosen = form.getOrDefault("device", List.of());
        try {
            List<ExemptionOutcome> outcomes = service.requestAsMember(member.id(), chosen, reason, "link/" + claims.nonce());
            return html(200, page.recorded(member, outcomes));
        } catch (InvalidInputException e) {
            return html(400, page.form(member, devices.ofOwner(member.id()), token, e.problems(), reason));
        }
    }

    private ObjectNode refused(SignedTokens.InvalidTokenException e) {
        String why = switch (e.reason()) {
            case EXPIRED -> "This link has expired.";
            case MALFORMED, BAD_SIGNATURE, WRONG_PURPOSE -> "This link is not valid.";
        };
        return html(403, page.refused(why));
    }

    /** The form fields of a POST, from a urlencoded body (base64 when the function URL says so). */
    static Map<String, List<String>> form(JsonNode event) {
        String body = event.path("body").asText("");
        if (event.path("isBase64Encoded").asBoolean(false)) {
            try {
                body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("exemption link", "body", "is marked base64 but is not");
            }
        }
        if (body.length() > MAX_FORM_BYTES) throw new InvalidInputException("exemption link", "body", "larger than " + MAX_FORM_BYTES + " bytes");
        Map<String, List<String>> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            fields.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        return fields;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("exemption link", "body", "is not a valid form encoding");
        }
    }

    private static String first(Map<String, List<String>> form, String field) {
        List<String> values = form.get(field);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }

    private static ObjectNode html(int status, String body) {
        ObjectNode r = Json.object();
        r.put("statusCode", status);
        ObjectNode headers = r.putObject("headers");
        headers.put("content-type", "text/html; charset=utf-8");
        headers.put("cache-control", "no-store");
        headers.put("referrer-policy", "no-referrer");
        headers.put("x-frame-options", "DENY");
        headers.put("x-content-type-options", "nosniff");
        headers.put("content-security-policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
        r.put("body", body);
        return r;
    }
}
