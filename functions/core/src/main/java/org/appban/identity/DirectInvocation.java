package org.appban.identity;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.appban.domain.Actor;
import org.appban.domain.LedgerRecord;
import org.appban.input.InvalidInputException;
import org.appban.ports.Ledger;

/**
 * A function invoked directly ({@code lambda:Invoke}) by hand. Lambda tells the function nothing about who invoked
 * it, and the client context is whatever the invoker wrote, so such a call names no one: whatever it does is
 * recorded as {@link #ACTOR}, never as a name it wrote. The admin function, where names matter most, lets a direct
 * invocation only read ({@link org.appban.admin.requests.Administration#READ_ONLY}); its function URL is where AWS proves
 * the caller.
 */
public final class DirectInvocation {
    /** Who a direct invocation is recorded as: nobody proven. */
    public static final Actor ACTOR = Actor.administrator("unproven:direct-invocation");

    private DirectInvocation() {
    }

    public static final String REFUSED = "manual.refused";

    /**
     * Records the refusal of a direct request that would act in someone's name, and returns the error to throw:
     * it names the admin operation that does it with a proven caller.
     *
     * @param function the function's name, e.g. {@code enforce-removal}
     * @param request  what was asked, e.g. {@code enforce (not a dry run)}
     * @param instead  the admin function URL's operation for it, e.g. {@code enforce.run}
     */
    public static InvalidInputException refuse(Ledger ledger, Instant at, String function, String request, String instead) {
        String reason = "a direct invocation proves nobody, and " + request + " acts in someone's name: ask the admin function URL "
                + "(stack output AdminFunctionUrl, AuthType AWS_IAM) with " + instead + " (./appban admin ...), which hands it on "
                + "authorised; a direct invocation may only dry-run";
        Map<String, String> details = new LinkedHashMap<>();
        details.put("function", function);
        details.put("request", request);
        details.put("reason", reason);
        ledger.append(new LedgerRecord(at, ACTOR, null, null, REFUSED, "rejected", false, null, details));
        return new InvalidInputException(function + " request", "caller", reason);
    }
}
