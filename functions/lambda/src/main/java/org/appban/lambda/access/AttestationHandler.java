package org.appban.lambda.access;

import org.appban.access.AttestationPage;
import org.appban.access.AttestationService;
import org.appban.access.FunctionUrlRequest;
import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import org.appban.input.InvalidInputException;
import org.appban.lambda.JsonHandler;
import org.appban.aws.SdkPriming;
import org.appban.lambda.Priming;
import org.appban.lambda.Trigger;
import org.appban.wiring.Production;
import org.appban.wiring.Settings;

/**
 * The attestation function behind its function URL (AuthType NONE: members click links from their email, and the
 * signed token is the authentication). GET shows the confirmation page and changes nothing; POST (a form carrying
 * the token and a ticked {@code confirm}) records the attestation once.
 */
public final class AttestationHandler extends JsonHandler {
    private final AttestationService service;
    private final AttestationPage page;

    public AttestationHandler() {
        this(new Production(Settings.fromEnvironment()).attestation());
        Priming.register("attestation", this::warmUp);
    }

    /** SnapStart priming: the SDK calls, a function URL request read, the pages rendered; nothing verified or recorded. */
    void warmUp() {
        SdkPriming.dynamoDb();
        SdkPriming.secretsManager();
        SdkPriming.eventBridge();
        FunctionUrlRequest.from(org.appban.lambda.JsonHandler.warmUp(
                "{\"requestContext\":{\"http\":{\"method\":\"GET\"}},\"rawQueryString\":\"t=priming\"}"));
        page.form("Priming Person", "priming", java.time.Instant.now().plusSeconds(60));
        page.invalid();
    }

    public AttestationHandler(AttestationService service) {
        this.service = service;
        var p = service.policy();
        this.page = new AttestationPage(p.organisation(), p.app().name(), p.contact().name() + " (" + p.contact().email() + ")", p.zone());
    }

    @Override
    protected Object handle(JsonNode event, Context context) {
        if (!(Trigger.of(event) instanceof Trigger.FunctionUrlCall)) {
            throw new InvalidInputException("attestation event", "requestContext.http", "is required: this function only answers its function URL");
        }
        FunctionUrlRequest request = FunctionUrlRequest.from(event);
        return switch (request.method()) {
            case "GET" -> get(request);
            case "POST" -> post(request);
            default -> html(405, page.methodNotAllowed(), Map.of("Allow", "GET, POST"));
        };
    }

    private Map<String, Object> get(FunctionUrlRequest request) {
        String token = request.query().get("t");
        return show(service.check(token), token);
    }

    private Map<String, Object> show(AttestationService.Result r, String token) {
        return switch (r.status()) {
            case OPEN -> html(200, page.form(r.member().name(), token, r.expires()), Map.of());
            case USED -> html(200, page.used(r.at()), Map.of());
            case EXPIRED -> html(410, page.expired(), Map.of());
            case INVALID, UNKNOWN_MEMBER -> html(400, page.invalid(), Map.of());
            case RECORDED -> throw new IllegalStateException("a GET never records");
        };
    }

    private Map<String, Object> post(FunctionUrlRequest request) {
        String type = request.header("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return html(415, page.invalid(), Map.of());
        }
        Map<String, String> form = request.form();
        String token = form.get("t");
        if (!"yes".equals(form.get("confirm"))) {
            AttestationService.Result r = service.check(token);
            return r.status() == AttestationService.Status.OPEN ? html(400, page.confirmMissing(token), Map.of()) : show(r, token);
        }
        AttestationService.Result r = service.attest(token);
        return switch (r.status()) {
            case RECORDED -> html(200, page.recorded(r.at()), Map.of());
            case USED -> html(409, page.used(r.at()), Map.of());
            case EXPIRED -> html(410, page.expired(), Map.of());
            case INVALID, UNKNOWN_MEMBER -> html(400, page.invalid(), Map.of());
            case OPEN -> throw new IllegalStateException("a POST either records or says why not");
        };
    }

    private static Map<String, Object> html(int status, String body, Map<String, String> extra) {
        Map<String, String> headers = new java.util.LinkedHashMap<>(AttestationPage.headers());
        headers.putAll(extra);
        return FunctionUrlRequest.response(status, headers, body);
    }
}
