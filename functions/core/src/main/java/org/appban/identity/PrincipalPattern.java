package org.appban.identity;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who the policy lets act (its {@code exemptions.approvers} and {@code administration.administrators}): a pattern
 * over proven principals, written as the ARN Lambda reports for the person (what {@code aws sts get-caller-identity}
 * prints when they are signed in).
 *
 * <pre>
 * arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AppbanApprover_*&#47;rawiri@example.org  an IAM Identity Center user, through that permission set
 * arn:aws:sts::111122223333:assumed-role/appban-approver/rawiri   one session name of a role
 * arn:aws:sts::111122223333:assumed-role/appban-approver/*        every session of a role, each session its own person
 * arn:aws:iam::111122223333:user/ops/rawiri                       an IAM user
 * </pre>
 *
 * A pattern that could never match a proven principal (an email address, a role's own ARN, a root user) is an
 * error when the policy loads, not a silent no.
 */
public final class PrincipalPattern {
    private static final Pattern ASSUMED = Pattern.compile("^arn:(aws|aws-cn|aws-us-gov):sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64}\\*?)/(\\*|[\\w+=,.@-]{2,64})$");
    private static final Pattern ROLE = Pattern.compile("^arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):role/(?:.*/)?([^/]+)$");

    private final String text;
    private final Principal.Kind kind;
    private final String partition;
    private final String account;
    /** Role name, or the prefix before {@code *} when {@link #rolePrefix}. */
    private final String role;
    private final boolean rolePrefix;
    /** Session or user name; null for any session. */
    private final String name;

    private PrincipalPattern(String text, Principal.Kind kind, String partition, String account, String role, boolean rolePrefix, String name) {
        this.text = text;
        this.kind = kind;
        this.partition = partition;
        this.account = account;
        this.role = role;
        this.rolePrefix = rolePrefix;
        this.name = name;
    }

    /** @throws IllegalArgumentException saying why the text can never match a proven principal, and what to write */
    public static PrincipalPattern parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("is empty");
        String s = text.strip();
        Matcher m = ASSUMED.matcher(s);
        if (m.matches()) {
            String roleText = m.group(3);
            boolean prefix = roleText.endsWith("*");
            String role = prefix ? roleText.substring(0, roleText.length() - 1) : roleText;
            boolean sso = role.startsWith(Principal.SSO_ROLE_PREFIX);
            if (prefix && !(sso && role.length() > Principal.SSO_ROLE_PREFIX.length() + 1 && role.endsWith("_"))) {
                throw new IllegalArgumentException("'" + s + "': '*' in a role name is only for an IAM Identity Center permission set, "
                        + "as AWSReservedSSO_<PermissionSet>_* (the suffix differs per account)");
            }
            String session = "*".equals(m.group(4)) ? null : m.group(4);
            if (sso && session == null) {
                throw new IllegalArgumentException("'" + s + "' names every user of a permission set, not a person: "
                        + "write each user, .../" + roleText + "/<user name>");
            }
            return new PrincipalPattern(s, sso ? Principal.Kind.IDENTITY_CENTER : Principal.Kind.ROLE_SESSION, m.group(1), m.group(2),
                    role, prefix, session);
        }
        if (s.contains(":iam::") && s.contains(":user/")) {
            Principal user = Principal.parse(s).filter(p -> p.kind() == Principal.Kind.IAM_USER)
                    .orElseThrow(() -> new IllegalArgumentException("'" + s + "' is not an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME)"));
            return new PrincipalPattern(s, Principal.Kind.IAM_USER, user.partition(), user.account(), null, false, user.name());
        }
        m = ROLE.matcher(s);
        if (m.matches()) {
            throw new IllegalArgumentException("'" + s + "' is a role, not a person, and callers never arrive as a role's ARN: "
                    + "write arn:" + m.group(1) + ":sts::" + m.group(2) + ":assumed-role/" + m.group(3) + "/<session name> "
                    + "(or /* for every session, each its own person)");
        }
        if (s.matches("^arn:[^:]+:iam::\\d{12}:root$")) {
            throw new IllegalArgumentException("'" + s + "' is an account's root user, which is nobody in particular; name a person");
        }
        if (s.contains("@") && !s.startsWith("arn:")) {
            throw new IllegalArgumentException("'" + s + "' is not an IAM principal, so no signed caller can ever match it: for an IAM "
                    + "Identity Center user write arn:aws:sts::ACCOUNT:assumed-role/AWSReservedSSO_<PermissionSet>_*/" + s);
        }
        throw new IllegalArgumentException("'" + s + "' is not a principal pattern: expected arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION "
                + "(SESSION may be *; ROLE may be AWSReservedSSO_<PermissionSet>_*) or arn:aws:iam::ACCOUNT:user/NAME");
    }

    /** Parses every pattern; a problem names the list's field and index. */
    public static List<PrincipalPattern> parseAll(List<String> texts) {
        return texts.stream().map(PrincipalPattern::parse).toList();
    }

    public boolean matches(ProvenPrincipal proven) {
        return matches(proven.principal());
    }

    /** Whether the pattern names this principal; deciding anything still needs it proven ({@link #matches(ProvenPrincipal)}). */
    public boolean matches(Principal p) {
        if (p.kind() != kind || !p.partition().equals(partition) || !p.account().equals(account)) return false;
        return switch (kind) {
            case IDENTITY_CENTER -> (rolePrefix ? p.role().startsWith(role) : p.role().equals(role))
                    && p.name().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT));
            case ROLE_SESSION -> p.role().equals(role) && (name == null || p.name().equals(name));
            case IAM_USER -> p.name().equals(name);
            case OTHER -> false;
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
