package org.appban.exemption;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may decide exemptions, from the policy's {@code exemptions.approvers}, and whether two identities are the same
 * person. Pure.
 *
 * <p>An approver is written as the caller identity appears to the admin function: an email-like name (set by the
 * invoking tooling), an IAM user ARN, or an IAM role ARN. A role ARN authorises every session of that role, which
 * is how the caller arrives through the function URL ({@code arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION}); the
 * session name then tells approvers of the same role apart.
 */
public final class Approvers {
    private static final Pattern ROLE = Pattern.compile("^arn:(aws[a-z-]*):iam::(\\d{12}):role/(?:.*/)?([^/]+)$");
    private static final Pattern ASSUMED = Pattern.compile("^arn:(aws[a-z-]*):sts::(\\d{12}):assumed-role/([^/]+)/(.+)$");

    private final List<String> approvers;

    public Approvers(List<String> approvers) {
        this.approvers = List.copyOf(approvers);
    }

    public List<String> list() {
        return approvers;
    }

    public boolean mayDecide(String identity) {
        if (identity == null || identity.isBlank()) return false;
        for (String approver : approvers) {
            if (same(approver, identity) || roleCovers(approver, identity)) return true;
        }
        return false;
    }

    /** Same person: exact for ARNs; case-insensitive for names (email addresses are, in practice). */
    public static boolean same(String a, String b) {
        if (a == null || b == null) return false;
        String x = a.strip();
        String y = b.strip();
        if (x.startsWith("arn:") || y.startsWith("arn:")) return x.equals(y);
        return x.toLowerCase(Locale.ROOT).equals(y.toLowerCase(Locale.ROOT));
    }

    private static boolean roleCovers(String approver, String identity) {
        Matcher role = ROLE.matcher(approver.strip());
        Matcher session = ASSUMED.matcher(identity.strip());
        return role.matches() && session.matches()
                && role.group(1).equals(session.group(1))
                && role.group(2).equals(session.group(2))
                && role.group(3).equals(session.group(3));
    }
}
