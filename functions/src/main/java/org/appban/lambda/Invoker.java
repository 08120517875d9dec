package org.appban.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.Map;
import org.appban.domain.Actor;

/**
 * Who invoked a function by hand. Manual requests carry no authenticated identity in the Lambda context, so the
 * identity is taken from what the invoking tooling sets: the client context's {@code caller} (set by
 * {@code ./appban invoke}) or, failing that, the function's name marked as unattributed.
 */
public final class Invoker {
    private Invoker() {
    }

    public static Actor administrator(Context context) {
        if (context != null && context.getClientContext() != null && context.getClientContext().getCustom() != null) {
            Map<String, String> custom = context.getClientContext().getCustom();
            String caller = custom.get("caller");
            if (caller != null && !caller.isBlank()) return Actor.administrator(caller.strip());
        }
        if (context != null && context.getIdentity() != null && context.getIdentity().getIdentityId() != null
                && !context.getIdentity().getIdentityId().isBlank()) {
            return Actor.administrator(context.getIdentity().getIdentityId());
        }
        return Actor.administrator("unattributed");
    }
}
