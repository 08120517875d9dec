package org.appban.policy;

/**
 * One notice of the campaign.
 *
 * @param id      stable identifier, part of the "one email per member per stage" key
 * @param kind    what the notice is for, and which template renders it
 * @param offsetDays for REMINDER: days before the deadline; for OVERDUE: days after it; otherwise 0
 * @param subject the email subject, a template over the same model as the body
 */
public record NoticeStage(String id, StageKind kind, int offsetDays, String subject) {
}
