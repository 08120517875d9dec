package org.appban.admin;

import java.util.Optional;
import org.appban.domain.Actor;
import org.appban.identity.ProvenPrincipal;

/**
 * Who is calling the admin function, and how we know: either the IAM principal Lambda authenticated for the
 * function URL (source {@value #IAM}), or nobody proven (source {@value #DIRECT}: a direct invocation, whose client
 * context and body are whatever the invoker wrote, so they name no one).
 */
public final class Caller {
    public static final String IAM = "iam";
    public static final String DIRECT = "direct-invocation";
    /** The identity recorded for a caller nobody proved. */
    public static final String UNPROVEN = "unproven:direct-invocation";

    private final ProvenPrincipal principal;

    private Caller(ProvenPrincipal principal) {
        this.principal = principal;
    }

    public static Caller proven(ProvenPrincipal principal) {
        return new Caller(java.util.Objects.requireNonNull(principal, "principal"));
    }

    public static Caller direct() {
        return new Caller(null);
    }

    public Optional<ProvenPrincipal> principal() {
        return Optional.ofNullable(principal);
    }

    public String identity() {
        return principal == null ? UNPROVEN : principal.arn();
    }

    public String source() {
        return principal == null ? DIRECT : IAM;
    }

    public Actor actor() {
        return principal == null ? Actor.administrator(UNPROVEN) : principal.actor();
    }
}
