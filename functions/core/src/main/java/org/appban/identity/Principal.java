package org.appban.identity;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IAM principal ARN as Lambda reports the signer of a function URL request ({@code requestContext.authorizer.iam.userArn}),
 * read into the parts that say which person it is. Pure; parsing an ARN proves nothing (see {@link ProvenPrincipal}).
 *
 * <ul>
 *   <li>{@link Kind#IDENTITY_CENTER}: {@code arn:aws:sts::ACCOUNT:assumed-role/AWSReservedSSO_<set>_<id>/<user>}. IAM
 *       Identity Center names the session after the signed-in user, so the person is the user, whatever permission
 *       set or account they came through.</li>
 *   <li>{@link Kind#ROLE_SESSION}: {@code arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION}. The person is the role and
 *       its session name, which is a person only where the role's trust policy pins the session name (e.g.
 *       {@code sts:RoleSessionName} = {@code ${aws:username}}, or a source identity).</li>
 *   <li>{@link Kind#IAM_USER}: {@code arn:aws:iam::ACCOUNT:user/[path/]NAME}.</li>
 * </ul>
 * Roots, federated users and anything else are {@link Kind#OTHER}: never a person the policy can name.
 */
public record Principal(Kind kind, String partition, String account, String role, String name, String arn) {
    public enum Kind {
        IDENTITY_CENTER, ROLE_SESSION, IAM_USER, OTHER
    }

    static final String SSO_ROLE_PREFIX = "AWSReservedSSO_";
    private static final Pattern ASSUMED = Pattern.compile("^arn:(aws|aws-cn|aws-us-gov):sts::(\\d{12}):assumed-role/([\\w+=,.@-]{1,64})/([\\w+=,.@-]{2,64})$");
    private static final Pattern USER = Pattern.compile("^arn:(aws|aws-cn|aws-us-gov):iam::(\\d{12}):user/(?:[\\x21-\\x7e]*/)?([\\w+=,.@-]{1,64})$");
    private static final Pattern ANY = Pattern.compile("^arn:(aws|aws-cn|aws-us-gov):(?:iam|sts)::(\\d{12}):.+$");

    /** The principal an ARN names, or empty when it is not an IAM principal ARN at all. */
    public static Optional<Principal> parse(String arn) {
        if (arn == null) return Optional.empty();
        String s = arn.strip();
        Matcher m = ASSUMED.matcher(s);
        if (m.matches()) {
            Kind kind = m.group(3).startsWith(SSO_ROLE_PREFIX) ? Kind.IDENTITY_CENTER : Kind.ROLE_SESSION;
            return Optional.of(new Principal(kind, m.group(1), m.group(2), m.group(3), m.group(4), s));
        }
        m = USER.matcher(s);
        if (m.matches()) return Optional.of(new Principal(Kind.IAM_USER, m.group(1), m.group(2), null, m.group(3), s));
        m = ANY.matcher(s);
        if (m.matches()) return Optional.of(new Principal(Kind.OTHER, m.group(1), m.group(2), null, null, s));
        return Optional.empty();
    }

    /**
     * Who this is, as a key two principals share exactly when they are the same person: an Identity Center user
     * across permission sets and accounts (their user name, lower-cased: the same key as the name itself where a
     * record holds only that), a role session, an IAM user.
     */
    public String person() {
        return switch (kind) {
            case IDENTITY_CENTER -> name.toLowerCase(Locale.ROOT);
            case ROLE_SESSION -> account + "/role/" + role + "/" + name;
            case IAM_USER -> account + "/user/" + name;
            case OTHER -> arn;
        };
    }

    /**
     * The person key of any identity a record may hold: an ARN as {@link #person()}, anything else (a member's own
     * request, {@code member:ID}; names recorded before identities were proven) lower-cased.
     */
    public static String personOf(String identity) {
        if (identity == null) return null;
        return parse(identity).map(Principal::person).orElse(identity.strip().toLowerCase(Locale.ROOT));
    }

    /** Whether two recorded identities are the same person (false when either is missing). */
    public static boolean samePerson(String a, String b) {
        return a != null && b != null && personOf(a).equals(personOf(b));
    }

    /**
     * Whether this principal is the member with this id or address: the Identity Center user name, the session name
     * or the IAM user name is their email address or member id (case-insensitive). Used so that nobody decides an
     * exemption for their own device.
     */
    public boolean isMember(String memberId, String email) {
        if (name == null) return false;
        return name.equalsIgnoreCase(memberId) || (email != null && name.equalsIgnoreCase(email));
    }
}
