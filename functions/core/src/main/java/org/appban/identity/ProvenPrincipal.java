package org.appban.identity;

import java.util.Objects;
import org.appban.domain.Actor;

/**
 * An IAM principal that AWS authenticated: the signer of a function URL request with AuthType AWS_IAM, as Lambda
 * put it in {@code requestContext.authorizer.iam}. Only {@link FunctionUrlIdentity} makes one (the constructor is
 * not public), so code that takes a {@code ProvenPrincipal} cannot be handed a name someone merely wrote, such as
 * a direct invocation's client context or a field of the request body.
 */
public final class ProvenPrincipal {
    private final Principal principal;
    private final String callerId;

    ProvenPrincipal(Principal principal, String callerId) {
        this.principal = Objects.requireNonNull(principal, "principal");
        this.callerId = callerId;
    }

    public Principal principal() {
        return principal;
    }

    /** The ARN Lambda reported: what the ledger records. */
    public String arn() {
        return principal.arn();
    }

    public String account() {
        return principal.account();
    }

    /** IAM's unique id of the caller ({@code AROA...:session}, {@code AIDA...}), when Lambda gave it. */
    public String callerId() {
        return callerId;
    }

    /** See {@link Principal#person()}. */
    public String person() {
        return principal.person();
    }

    public Actor actor() {
        return Actor.administrator(arn());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProvenPrincipal p && p.principal.equals(principal) && Objects.equals(p.callerId, callerId);
    }

    @Override
    public int hashCode() {
        return principal.hashCode();
    }

    @Override
    public String toString() {
        return arn();
    }
}
