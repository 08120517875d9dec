package org.appban.identity;

import org.appban.domain.Actor;

/**
 * A function invoked directly ({@code lambda:Invoke}) by hand. Lambda tells the function nothing about who invoked
 * it, and the client context is whatever the invoker wrote, so such a call names no one: whatever it does is
 * recorded as {@link #ACTOR}, never as a name it wrote. The admin function, where names matter most, lets a direct
 * invocation only read ({@link org.appban.admin.Administration#READ_ONLY}); its function URL is where AWS proves
 * the caller.
 */
public final class DirectInvocation {
    /** Who a direct invocation is recorded as: nobody proven. */
    public static final Actor ACTOR = Actor.administrator("unproven:direct-invocation");

    private DirectInvocation() {
    }
}
