package org.appban.admin;

import java.util.Objects;
import org.appban.domain.Actor;

/**
 * Who is calling the admin function, and how we know.
 *
 * @param source {@value #IAM}: the IAM principal Lambda authenticated for the function URL (AWS_IAM auth);
 *               {@value #CLIENT_CONTEXT}: the {@code caller} the invoking tool put in the client context of a direct
 *               invocation (asserted by whoever holds lambda:InvokeFunction, not proven);
 *               {@value #UNATTRIBUTED}: neither
 */
public record Caller(String identity, String source) {
    public static final String IAM = "iam";
    public static final String CLIENT_CONTEXT = "client-context";
    public static final String UNATTRIBUTED = "unattributed";

    public Caller {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(source, "source");
    }

    public Actor actor() {
        return Actor.administrator(identity);
    }

    public static Caller iam(String arn) {
        return new Caller(arn, IAM);
    }

    /** From {@link org.appban.lambda.Invoker#administrator}'s answer. */
    public static Caller invoker(Actor actor) {
        return "unattributed".equals(actor.id()) ? new Caller(actor.id(), UNATTRIBUTED) : new Caller(actor.id(), CLIENT_CONTEXT);
    }
}
