package org.appban.exemption;

import java.util.List;

/**
 * What one exemption step did.
 *
 * @param result  {@code requested}, {@code granted}, {@code refused}, {@code revoked}, or {@code already-...} when
 *                the same step had been recorded before (a retried request changes nothing)
 * @param notices the notice requests this step made, e.g. {@code exemption-granted: requested}, or
 *                {@code exemption-granted: failed (...)}: a failed one is asked for again by the next sweep
 */
public record ExemptionOutcome(String result, ExemptionView exemption, List<String> notices) {
}
