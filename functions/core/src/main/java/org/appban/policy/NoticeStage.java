package org.appban.policy;

import java.util.Map;

/**
 * One notice of the campaign.
 *
 * @param id       stable identifier, part of the "one email per member per stage" key
 * @param kind     what the notice is for, and which template renders it
 * @param offsetDays for REMINDER: days before the deadline; for OVERDUE: days after it; otherwise 0
 * @param subject  the email subject in the policy's default language, a template over the same model as the body
 * @param subjects the subject in each other language the policy ships a template set for ({@code notices.languages}),
 *                 by language tag; empty when the policy has one language
 */
public record NoticeStage(String id, StageKind kind, int offsetDays, String subject, Map<String, String> subjects) {
    public NoticeStage {
        subjects = subjects == null ? Map.of() : Map.copyOf(subjects);
    }

    /** A stage in a policy of one language. */
    public NoticeStage(String id, StageKind kind, int offsetDays, String subject) {
        this(id, kind, offsetDays, subject, Map.of());
    }

    /** The subject in a language: the default language's ({@code subject}) unless the stage has one of its own for it. */
    public String subjectIn(String language) {
        return language == null ? subject : subjects.getOrDefault(language, subject);
    }
}
