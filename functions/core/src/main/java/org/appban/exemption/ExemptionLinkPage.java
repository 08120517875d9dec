package org.appban.exemption;

import java.util.List;
import org.appban.domain.Device;
import org.appban.domain.Member;
import org.appban.input.InputProblem;
import org.appban.policy.BanPolicy;
import org.appban.report.Html;

/**
 * The pages behind a member's exemption link: the request form, the confirmation, and the refusals (bad link, bad
 * form). Pure; every value escaped; inline CSS; no scripts; nothing loaded from elsewhere.
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
        StringBuilder h = start("Ask for an exemption");
        h.append("<h1>Ask for an exemption from the ban on ").append(esc(policy.app().name())).append("</h1>\n")
                .append("<p>").append(esc(member.name())).append(", ").append(esc(policy.exemptions().requestInstructions())).append("</p>\n");
        if (!problems.isEmpty()) {
            h.append("<ul class=\"problem\">");
            for (InputProblem p : problems) h.append("<li>").append(esc(p.toString())).append("</li>");
            h.append("</ul>\n");
        }
        h.append("<form method=\"post\">\n<input type=\"hidden\" name=\"token\" value=\"").append(esc(token)).append("\">\n");
        h.append("<fieldset><legend>Which devices</legend>\n<p class=\"muted\">Tick none to ask for all of your devices.</p>\n");
        for (Device d : devices) {
            if (d.retired()) continue;
            h.append("<label><input type=\"checkbox\" name=\"device\" value=\"").append(esc(d.id())).append("\"> ")
                    .append(esc(d.label())).append(" <code>").append(esc(d.id())).append("</code></label>\n");
        }
        h.append("</fieldset>\n<label for=\"reason\">Why you need ").append(esc(policy.app().name()))
                .append(" (an approver reads this)</label>\n<textarea id=\"reason\" name=\"reason\" maxlength=\"")
                .append(ExemptionRules.MAX_REASON_CHARS).append("\" required>").append(esc(reason == null ? "" : reason))
                .append("</textarea>\n<button type=\"submit\">Send my request</button>\n</form>\n");
        return end(h);
    }

    public String recorded(Member member, List<ExemptionOutcome> outcomes) {
        StringBuilder h = start("Request recorded");
        h.append("<h1>Your request is recorded</h1>\n<p>").append(esc(member.name()))
                .append(", an approver will decide it and you will be told by email. Until then the ban applies as before.</p>\n<ul>");
        for (ExemptionOutcome o : outcomes) {
            ExemptionView v = o.exemption();
            h.append("<li>").append(esc(v.device() == null ? "All your devices" : "Device " + v.device())).append(" <code>")
                    .append(esc(v.id())).append("</code>").append(o.result().startsWith("already") ? " (already recorded)" : "").append("</li>");
        }
        h.append("</ul>\n<p class=\"muted\">Questions: ").append(esc(policy.contact().name())).append(", ")
                .append(esc(policy.contact().email())).append("</p>\n");
        return end(h);
    }

    public String refused(String why) {
        StringBuilder h = start("Link not valid");
        h.append("<h1>This link cannot be used</h1>\n<p>").append(esc(why));
        h.append("</p>\n<p>Write to ").append(esc(policy.contact().name())).append(" at ").append(esc(policy.contact().email()))
                .append(" to ask for an exemption.</p>\n");
        return end(h);
    }

    private StringBuilder start(String title) {
        return new StringBuilder(4096).append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").append(esc(title))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    }

    private static String end(StringBuilder h) {
        return h.append("</body>\n</html>\n").toString();
    }

    private static String esc(String s) {
        return Html.escape(s);
    }
}
