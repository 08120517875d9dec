package org.appban.exemption;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.appban.domain.Device;
import org.appban.domain.Member;
import org.appban.input.InputProblem;
import org.appban.policy.BanPolicy;
import org.appban.report.PageTemplates;

/**
 * The pages behind a member's exemption link: the request form, the confirmation, and the refusals (bad link, bad
 * form), rendered from {@code pages/exemption/} by {@link PageTemplates}: every value escaped by default; inline CSS;
 * no scripts; nothing loaded from elsewhere.
 */
public final class ExemptionLinkPage {
    private static final String CSS = """
            body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #1d2733; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
            h1 { font-size: 1.4rem; } label { display: block; margin: .3rem 0; } textarea { width: 100%; min-height: 8rem; font: inherit; }
            button { font: inherit; padding: .4rem 1.2rem; margin-top: 1rem; } .muted { color: #5b6775; } .problem { color: #a1262b; }
            fieldset { border: 1px solid #d5dbe3; border-radius: 6px; margin: 1rem 0; } code { font-size: .9em; }
            """;

    private final BanPolicy policy;

    public ExemptionLinkPage(BanPolicy policy) {
        this.policy = policy;
    }

    public String form(Member member, List<Device> devices, String token, List<InputProblem> problems, String reason) {
        Map<String, Object> model = new HashMap<>();
        model.put("appName", policy.app().name());
        model.put("memberName", member.name());
        model.put("instructions", policy.exemptions().requestInstructions());
        model.put("hasProblems", !problems.isEmpty());
        model.put("problems", problems.stream().map(InputProblem::toString).toList());
        model.put("token", token);
        model.put("devices", devices.stream().filter(d -> !d.retired()).map(d -> Map.of("id", d.id(), "label", d.label())).toList());
        model.put("maxReason", ExemptionRules.MAX_REASON_CHARS);
        model.put("reason", reason);
        return page("Ask for an exemption", "form", model);
    }

    public String recorded(Member member, List<ExemptionOutcome> outcomes) {
        Map<String, Object> model = contact();
        model.put("memberName", member.name());
        model.put("outcomes", outcomes.stream().map(o -> {
            ExemptionView v = o.exemption();
            return Map.of("what", v.device() == null ? "All your devices" : "Device " + v.device(), "id", v.id(),
                    "already", o.result().startsWith("already"));
        }).toList());
        return page("Request recorded", "recorded", model);
    }

    public String refused(String why) {
        Map<String, Object> model = contact();
        model.put("why", why);
        return page("Link not valid", "refused", model);
    }

    private Map<String, Object> contact() {
        Map<String, Object> model = new HashMap<>();
        model.put("contactName", policy.contact().name());
        model.put("contactEmail", policy.contact().email());
        return model;
    }

    /** Page {@code pages/exemption/<body>} inside the layout. */
    private static String page(String title, String body, Map<String, Object> model) {
        return PageTemplates.render("exemption/layout", Map.of("title", title, "css", CSS, "body", PageTemplates.render("exemption/" + body, model)));
    }
}
