package org.appban.alerts;

import java.util.Map;
import java.util.Objects;

/**
 * One message to the administrators.
 *
 * @param subject one line saying what happened
 * @param body    what happened and what to do, in plain text
 * @param facts   the same facts as fields (member id, address, feedback id...), for a reader or a filter
 */
public record AdminAlert(String subject, String body, Map<String, String> facts) {
    public AdminAlert {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(body, "body");
        facts = facts == null ? Map.of() : Map.copyOf(facts);
    }
}
