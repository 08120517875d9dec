package org.appban.alerts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * Publishes alerts to the administrators' SNS topic ({@code ADMIN_TOPIC_ARN}); e-mail subscribers see the subject
 * and the body, and each fact is also a message attribute, so a subscription can filter on, say, {@code kind}.
 */
public final class SnsAdminAlerts implements AdminAlerts {
    /** SNS subjects: ASCII, no line breaks, at most 100 characters. */
    static final int MAX_SUBJECT = 100;
    /** SNS allows 10 message attributes. */
    static final int MAX_ATTRIBUTES = 10;

    private final Supplier<SnsClient> sns;
    private final String topicArn;

    public SnsAdminAlerts(SnsClient sns, String topicArn) {
        this(constant(Objects.requireNonNull(sns, "sns")), topicArn);
    }

    /** With the client built on first use: a run that never calls Sns never pays for building its client (cold start). */
    public SnsAdminAlerts(Supplier<SnsClient> sns, String topicArn) {
        this.sns = Objects.requireNonNull(sns, "sns");
        this.topicArn = Objects.requireNonNull(topicArn, "topicArn");
    }

    @Override
    public void alert(AdminAlert alert) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        for (Map.Entry<String, String> f : alert.facts().entrySet()) {
            if (attributes.size() == MAX_ATTRIBUTES) break;
            if (f.getValue() == null || f.getValue().isEmpty() || !f.getKey().matches("[A-Za-z0-9_.-]{1,256}")) continue;
            attributes.put(f.getKey(), MessageAttributeValue.builder().dataType("String").stringValue(f.getValue()).build());
        }
        StringBuilder body = new StringBuilder(alert.body()).append("\n\n");
        alert.facts().forEach((k, v) -> body.append(k).append(": ").append(v).append('\n'));
        sns.get().publish(r -> r.topicArn(topicArn).subject(subject(alert.subject())).message(body.toString())
                .messageAttributes(attributes));
    }

    static String subject(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (out.length() == MAX_SUBJECT) break;
            out.append(c >= 0x20 && c < 0x7f ? c : c == '\n' || c == '\r' || c == '\t' ? ' ' : '?');
        }
        String t = out.toString().strip();
        return t.isEmpty() ? "appban alert" : t;
    }

    private static <T> Supplier<T> constant(T value) {
        return () -> value;
    }
}
