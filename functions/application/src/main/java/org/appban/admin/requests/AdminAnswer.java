package org.appban.admin.requests;

import java.time.Instant;
import org.appban.admin.Caller;
import org.appban.input.InvalidInputException;

/**
 * The admin service's answer to one call, before it is written as the function's envelope ({@code
 * AdministrationJson} in adapters): {@code {"status", "operation", "caller", "callerSource", "at", "result"}}, or,
 * when rejected, {@code {"status": "rejected", "operation", "caller", "callerSource", "at", "source", "error",
 * "problems": [{where, problem}]}}.
 *
 * @param status    {@code done}, {@code pending} (the act waits for a second administrator) or {@code rejected}
 * @param operation the operation, or null when the request named none the service knows
 * @param at        when the call was made (its ledger record's time)
 * @param result    what the operation did: records, maps and lists of them; null when rejected
 * @param rejected  why the request was refused, naming every problem; null unless rejected
 */
public record AdminAnswer(String status, String operation, Caller caller, Instant at, Object result, InvalidInputException rejected) {
}
